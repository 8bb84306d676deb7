using Dialer.Core.Campaigns;
using Dialer.Core.Dialing;
using Dialer.Core.Telephony;
using Dialer.Tests.Selection;
using Microsoft.Extensions.Time.Testing;

namespace Dialer.Tests.Dialing;

/// <summary>The attempt's life as the provider reports it: picked up, ended, abandoned, each transition seen once.</summary>
public sealed class CallAttemptsTests : DatabaseTest
{
    static readonly DateTimeOffset Now = new(2026, 3, 10, 10, 0, 0, TimeSpan.Zero);
    readonly CallAttempts attempts = new(Db, new FakeTimeProvider(Now));
    readonly ProviderCallStore provider = new(Db);
    long campaignId;

    [SetUp]
    public async Task CampaignAsync() => campaignId = (await new CampaignStore(Db).ApplyAsync(Population.Campaign(), default)).Campaign.Id;

    Task<CallAttempt> NewAttemptAsync() =>
        attempts.CreateAsync(new NewAttempt(campaignId, null, null, "RSSMRA80A01F205X", "+393471234567", "progressive", null, false), default);

    int sequence;

    Task StatusAsync(CallAttempt attempt, string sid, string status, string? parent = null, string? answeredBy = null) =>
        provider.RecordAsync([new StatusCallback(sid, attempt.AttemptKey, status, sequence++, parent, answeredBy, null, null, "{}", Now)], default);

    [Test]
    public async Task A_new_attempt_is_dialing_and_moves_to_placed_once()
    {
        var attempt = await NewAttemptAsync();

        var first = await attempts.MarkPlacedAsync(attempt.Id, "CA1", default);
        var second = await attempts.MarkPlacedAsync(attempt.Id, "CA2", default);

        var stored = await attempts.FindAsync(attempt.Id, default);
        Assert.Multiple(() =>
        {
            Assert.That(attempt.State, Is.EqualTo("dialing"));
            Assert.That((first, second), Is.EqualTo((true, false)));
            Assert.That(stored!.CallSid, Is.EqualTo("CA1"));
            Assert.That(stored.State, Is.EqualTo("placed"));
        });
    }

    [Test]
    public async Task A_person_who_talks_to_the_operator_gives_one_answered_then_one_ended_transition()
    {
        var attempt = await NewAttemptAsync();
        await attempts.MarkPlacedAsync(attempt.Id, "CA1", default);

        await StatusAsync(attempt, "CA1", CallStatus.Ringing);
        var ringing = await attempts.ApplyProviderStateAsync(attempt.Id, default);
        await StatusAsync(attempt, "CA1", CallStatus.InProgress);
        var pickedUp = await attempts.ApplyProviderStateAsync(attempt.Id, default);
        var again = await attempts.ApplyProviderStateAsync(attempt.Id, default);
        await StatusAsync(attempt, "CA9", CallStatus.InProgress, parent: "CA1");
        await StatusAsync(attempt, "CA9", CallStatus.Completed, parent: "CA1");
        await StatusAsync(attempt, "CA1", CallStatus.Completed);
        var ended = await attempts.ApplyProviderStateAsync(attempt.Id, default);
        var endedAgain = await attempts.ApplyProviderStateAsync(attempt.Id, default);

        Assert.Multiple(() =>
        {
            Assert.That((ringing!.Answered, ringing.Ended), Is.EqualTo((false, false)));
            Assert.That((pickedUp!.Answered, pickedUp.Ended), Is.EqualTo((true, false)));
            Assert.That((again!.Answered, again.Ended), Is.EqualTo((false, false)), "a transition is reported once");
            Assert.That((ended!.Answered, ended.Ended), Is.EqualTo((false, true)));
            Assert.That((endedAgain!.Answered, endedAgain.Ended), Is.EqualTo((false, false)));
            Assert.That(ended.Attempt.Outcome, Is.EqualTo(ProviderOutcomes.Answered));
            Assert.That(ended.Attempt.Abandoned, Is.False);
        });
    }

    [Test]
    public async Task An_answered_call_that_no_operator_took_is_abandoned()
    {
        var attempt = await NewAttemptAsync();
        await attempts.MarkPlacedAsync(attempt.Id, "CA1", default);
        await StatusAsync(attempt, "CA1", CallStatus.InProgress);
        await StatusAsync(attempt, "CA9", CallStatus.NoAnswer, parent: "CA1");
        await StatusAsync(attempt, "CA1", CallStatus.Completed);

        var ended = await attempts.ApplyProviderStateAsync(attempt.Id, default);

        Assert.That((ended!.Answered, ended.Ended, ended.Attempt.Outcome, ended.Attempt.Abandoned),
            Is.EqualTo((true, true, ProviderOutcomes.Answered, true)));
    }

    [TestCase(CallStatus.Busy, ProviderOutcomes.Busy)]
    [TestCase(CallStatus.NoAnswer, ProviderOutcomes.NoAnswer)]
    [TestCase(CallStatus.Failed, ProviderOutcomes.Failed)]
    [TestCase(CallStatus.Canceled, ProviderOutcomes.Canceled)]
    public async Task A_call_never_picked_up_ends_with_the_provider_outcome(string status, string outcome)
    {
        var attempt = await NewAttemptAsync();
        await attempts.MarkPlacedAsync(attempt.Id, "CA1", default);
        await StatusAsync(attempt, "CA1", status);

        var ended = await attempts.ApplyProviderStateAsync(attempt.Id, default);

        Assert.That((ended!.Answered, ended.Ended, ended.Attempt.Outcome, ended.Attempt.Abandoned), Is.EqualTo((false, true, outcome, false)));
    }

    [Test]
    public async Task A_machine_is_never_reported_as_answered_nor_abandoned()
    {
        var attempt = await NewAttemptAsync();
        await attempts.MarkPlacedAsync(attempt.Id, "CA1", default);
        await StatusAsync(attempt, "CA1", CallStatus.Completed, answeredBy: "machine_end_beep");

        var ended = await attempts.ApplyProviderStateAsync(attempt.Id, default);

        Assert.That((ended!.Answered, ended.Attempt.Outcome, ended.Attempt.Abandoned), Is.EqualTo((false, ProviderOutcomes.Machine, false)));
    }

    [Test]
    public async Task A_callback_that_arrives_before_the_create_returns_places_the_attempt_with_its_call_sid()
    {
        var attempt = await NewAttemptAsync();
        await StatusAsync(attempt, "CA5", CallStatus.Busy);

        var ended = await attempts.ApplyProviderStateAsync(attempt.Id, default);
        var late = await attempts.MarkPlacedAsync(attempt.Id, "CA5", default);

        Assert.Multiple(() =>
        {
            Assert.That((ended!.Ended, ended.Attempt.CallSid, ended.Attempt.Outcome), Is.EqualTo((true, "CA5", ProviderOutcomes.Busy)));
            Assert.That(late, Is.False, "the create's late answer does not move an ended attempt back");
        });
    }

    [Test]
    public async Task A_definitely_failed_create_marks_the_attempt_not_placed_and_the_sweep_no_longer_sees_it()
    {
        var attempt = await NewAttemptAsync();
        await attempts.MarkSendingAsync(attempt.Id, default);
        var unconfirmed = await attempts.UnconfirmedAsync(Now.AddMinutes(1), default);

        await attempts.MarkNotPlacedAsync(attempt.Id, default);

        Assert.Multiple(async () =>
        {
            Assert.That(unconfirmed.Select(a => a.Id), Is.EqualTo(new[] { attempt.Id }));
            Assert.That(await attempts.UnconfirmedAsync(Now.AddMinutes(1), default), Is.Empty);
            Assert.That((await attempts.FindAsync(attempt.Id, default))!.Outcome, Is.EqualTo(ProviderOutcomes.NotPlaced));
        });
    }

    [Test, Description("#12: the sweep listed Twilio's calls for an attempt that had never sent its create")]
    public async Task An_attempt_never_sent_is_settled_without_reconciliation_and_cannot_be_sent_afterwards()
    {
        var unsent = await NewAttemptAsync();
        var sent = await NewAttemptAsync();
        await attempts.MarkSendingAsync(sent.Id, default);

        var listedUnsent = await attempts.UnsentAsync(Now.AddMinutes(1), default);
        var listedUnconfirmed = await attempts.UnconfirmedAsync(Now.AddMinutes(1), default);
        var abandoned = await attempts.AbandonUnsentAsync(unsent.Id, default);
        var abandonedSent = await attempts.AbandonUnsentAsync(sent.Id, default);
        var sendingAfterwards = await attempts.MarkSendingAsync(unsent.Id, default);

        Assert.Multiple(async () =>
        {
            Assert.That(listedUnsent.Select(a => a.Id), Is.EqualTo(new[] { unsent.Id }));
            Assert.That(listedUnconfirmed.Select(a => a.Id), Is.EqualTo(new[] { sent.Id }), "a newer unconfirmed create to the number: none here");
            Assert.That((abandoned, abandonedSent, sendingAfterwards), Is.EqualTo((true, false, false)));
            Assert.That((await attempts.FindAsync(unsent.Id, default))!.State, Is.EqualTo("not_placed"));
        });
    }

    [Test, Description("#12: two unconfirmed creates to one number: the newer one's call would look like the older one's")]
    public async Task An_unconfirmed_attempt_waits_for_a_newer_unconfirmed_create_to_the_same_number()
    {
        var older = await NewAttemptAsync();
        await attempts.MarkSendingAsync(older.Id, default);
        var newer = await new CallAttempts(Db, new FakeTimeProvider(Now.AddSeconds(30)))
            .CreateAsync(new NewAttempt(campaignId, null, null, "RSSMRA80A01F205X", "+393471234567", "progressive", null, false), default);
        await new CallAttempts(Db, new FakeTimeProvider(Now.AddSeconds(30))).MarkSendingAsync(newer.Id, default);

        var whileBothUnconfirmed = await attempts.UnconfirmedAsync(Now.AddMinutes(5), default);
        await attempts.MarkPlacedAsync(newer.Id, "CA_NEWER", default);
        var onceTheNewerIsPlaced = await attempts.UnconfirmedAsync(Now.AddMinutes(5), default);

        Assert.Multiple(() =>
        {
            Assert.That(whileBothUnconfirmed.Select(a => a.Id), Is.EqualTo(new[] { newer.Id }));
            Assert.That(onceTheNewerIsPlaced.Select(a => a.Id), Is.EqualTo(new[] { older.Id }));
        });
    }
}
