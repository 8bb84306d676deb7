using Dialer.Core.Outcomes;

namespace Dialer.Tests.Outcomes;

public sealed class CallbackListTests : DispositionsTest
{
    [Test]
    public async Task Due_call_backs_are_taken_once_earliest_first_and_overdue_personal_ones_open_to_the_team()
    {
        var list = new CallbackList(Db, Clock);
        await RecordAsync(new DispositionRequest("call_back", Callback: new CallbackRequest("2026-11-23T15:00", "personal")));
        var second = await OnCallAsync("bruno", Campaign, "BNCLRA85B41F205Y", "+393479876543");
        await Dispositions.RecordAsync(second, "bruno", new DispositionRequest("call_back", Callback: new CallbackRequest("2026-11-23T11:00", "team")), None);

        var early = await list.TakeDueAsync(10, None);
        Clock.Advance(TimeSpan.FromHours(2));                           // 12:00 in Rome: only the 11:00 one is due
        var first = await list.TakeDueAsync(10, None);
        var again = await list.TakeDueAsync(10, None);
        Clock.Advance(TimeSpan.FromHours(3.5));                         // 15:30: anna's personal one, 30 minutes overdue
        var stillPersonal = await list.OpenOverdueToTeamAsync(TimeSpan.FromHours(1), None);
        var opened = await list.OpenOverdueToTeamAsync(TimeSpan.FromMinutes(15), None);
        var last = await list.TakeDueAsync(10, None);
        var closed = await list.CloseAsync(last[0].Id, done: true, None);
        var closedAgain = await list.CloseAsync(last[0].Id, done: false, None);

        Assert.Multiple(() =>
        {
            Assert.That(early, Is.Empty);
            Assert.That(first.Select(c => (c.AttemptId, c.PhoneE164, c.OperatorIdentity)), Is.EqualTo(new[] { (second, "+393479876543", (string?)null) }));
            Assert.That(first[0].DueAt, Is.EqualTo(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero)));
            Assert.That(again, Is.Empty, "a taken call-back is not taken twice");
            Assert.That(stillPersonal, Is.Zero);
            Assert.That(opened, Is.EqualTo(1));
            Assert.That(last.Select(c => (c.AttemptId, c.OperatorId)), Is.EqualTo(new[] { (Attempt, (long?)null) }));
            Assert.That(closed, Is.True);
            Assert.That(closedAgain, Is.False);
        });
    }

    [Test]
    public async Task A_personal_call_back_names_its_operator()
    {
        var list = new CallbackList(Db, Clock);
        await RecordAsync(new DispositionRequest("call_back", Callback: new CallbackRequest("2026-11-23T10:30", "personal")));
        Clock.Advance(TimeSpan.FromHours(1));

        var due = await list.TakeDueAsync(10, None);

        Assert.That(due.Select(c => (c.OperatorId, c.OperatorIdentity)), Is.EqualTo(new[] { ((long?)Anna, (string?)"anna") }));
    }
}
