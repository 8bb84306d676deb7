using System.Net;
using Dialer.Core.Campaigns;
using Dialer.Core.Dialing;
using Dialer.Core.Telephony;
using Dialer.Tests.Selection;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Telephony;

/// <summary>No double dial: after an ambiguous create, the call is found (or definitely not) and never re-sent.</summary>
public sealed class CallReconcilerTests : FakeTwilioTest
{
    static readonly CallRequest Request = new("att-7", "+393331234567");

    [Test]
    public async Task Timed_out_create_that_twilio_processed_is_found_and_nobody_is_rung_twice()
    {
        using var services = Twilio.Services(("Twilio:RequestTimeout", "00:00:00.300"));
        var attemptedAt = DateTimeOffset.UtcNow;
        var createdAt = attemptedAt.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", System.Globalization.CultureInfo.InvariantCulture);
        Twilio.Then(
            FakeTwilio.Created("CA00000000000000000000000000000007") with { Delay = TimeSpan.FromSeconds(2) },
            new Scripted(HttpStatusCode.OK, FakeTwilio.ListJson(null,
                FakeTwilio.CallJson("CA00000000000000000000000000000007", Request.To, "queued", createdAt),
                FakeTwilio.CallJson("CA000000000000000000000000000000aa", Request.To, "completed", "Fri, 20 Nov 2026 09:00:00 +0000"))));

        var placed = await services.GetRequiredService<ITelephonyClient>().PlaceCallAsync(Request, CancellationToken.None);
        var reconciled = await services.GetRequiredService<CallReconciler>().ReconcileAsync(Request, attemptedAt, CancellationToken.None);

        var creates = Twilio.Requests.Count(r => r.Method == "POST");
        Assert.Multiple(() =>
        {
            Assert.That(placed.Outcome, Is.EqualTo(PlaceCallOutcome.Unknown));
            Assert.That(reconciled.Found, Is.True);
            Assert.That(reconciled.CallSid, Is.EqualTo("CA00000000000000000000000000000007"));
            Assert.That(reconciled.Duplicates, Is.Empty);
            Assert.That(creates, Is.EqualTo(1));
            Assert.That(Twilio.Requests.Last().PathAndQuery, Does.Contain("To=%2B393331234567&From=%2B390212345678"));
        });
    }

    [Test]
    public async Task Create_lost_by_a_server_error_is_not_found_after_every_look_up()
    {
        using var services = Twilio.Services(("Twilio:ReconcileAttempts", "3"));
        Twilio.Then(FakeTwilio.Error(HttpStatusCode.InternalServerError, 20500, "Internal Server Error"));

        var placed = await services.GetRequiredService<ITelephonyClient>().PlaceCallAsync(Request, CancellationToken.None);
        var reconciled = await services.GetRequiredService<CallReconciler>().ReconcileAsync(Request, DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(placed.Outcome, Is.EqualTo(PlaceCallOutcome.Unknown));
            Assert.That(reconciled.Found, Is.False);
            Assert.That(Twilio.Requests.Count(r => r.Method == "POST"), Is.EqualTo(1));
            Assert.That(Twilio.Requests.Count(r => r.Method == "GET"), Is.EqualTo(3));
        });
    }

    [Test]
    public async Task Status_callback_carrying_the_attempt_settles_it_without_listing()
    {
        using var services = Twilio.Services();
        await services.GetRequiredService<ProviderCallStore>().RecordAsync(
            [TestCallbacks.Status("CA00000000000000000000000000000009", "initiated", 0, Request.AttemptId)], CancellationToken.None);

        var reconciled = await services.GetRequiredService<CallReconciler>().ReconcileAsync(Request, DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(reconciled.CallSid, Is.EqualTo("CA00000000000000000000000000000009"));
            Assert.That(Twilio.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task Listed_call_that_belongs_to_another_attempt_is_not_ours()
    {
        using var services = Twilio.Services(("Twilio:ReconcileAttempts", "1"));
        await services.GetRequiredService<ProviderCallStore>().RecordAsync(
            [TestCallbacks.Status("CA000000000000000000000000000000bb", "ringing", 1, "att-other")], CancellationToken.None);
        Twilio.Then(new Scripted(HttpStatusCode.OK, FakeTwilio.ListJson(null,
            FakeTwilio.CallJson("CA000000000000000000000000000000bb", Request.To, "ringing", null))));

        var reconciled = await services.GetRequiredService<CallReconciler>().ReconcileAsync(Request, DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.That(reconciled.Found, Is.False);
    }

    [Test, Description("#12: a call only the create's answer had tied to its attempt looked free to adopt")]
    public async Task Listed_call_that_another_attempts_create_returned_is_not_ours_before_any_callback()
    {
        using var services = Twilio.Services(("Twilio:ReconcileAttempts", "1"));
        var campaign = (await new CampaignStore(Db).ApplyAsync(Population.Campaign(), default)).Campaign.Id;
        var attempts = new CallAttempts(Db, TimeProvider.System);
        var other = await attempts.CreateAsync(new NewAttempt(campaign, null, null, "RSSMRA80A01F205X", Request.To, "progressive", null, false), default);
        await attempts.MarkPlacedAsync(other.Id, "CA000000000000000000000000000000cc", default);
        Twilio.Then(new Scripted(HttpStatusCode.OK, FakeTwilio.ListJson(null,
            FakeTwilio.CallJson("CA000000000000000000000000000000cc", Request.To, "queued", null))));

        var reconciled = await services.GetRequiredService<CallReconciler>().ReconcileAsync(Request, DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.That(reconciled.Found, Is.False);
    }

    [Test]
    public async Task Two_calls_for_one_attempt_report_the_later_as_a_duplicate()
    {
        using var services = Twilio.Services();
        var now = DateTimeOffset.UtcNow;
        string At(TimeSpan offset) => (now + offset).ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", System.Globalization.CultureInfo.InvariantCulture);
        Twilio.Then(new Scripted(HttpStatusCode.OK, FakeTwilio.ListJson(null,
            FakeTwilio.CallJson("CA000000000000000000000000000000d2", Request.To, "queued", At(TimeSpan.FromSeconds(5))),
            FakeTwilio.CallJson("CA000000000000000000000000000000d1", Request.To, "ringing", At(TimeSpan.Zero)))));

        var reconciled = await services.GetRequiredService<CallReconciler>().ReconcileAsync(Request, now, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(reconciled.CallSid, Is.EqualTo("CA000000000000000000000000000000d1"));
            Assert.That(reconciled.Duplicates, Is.EqualTo(new[] { "CA000000000000000000000000000000d2" }));
        });
    }
}
