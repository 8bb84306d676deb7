using Dialer.Core.Dialing;
using Dialer.Core.Telephony;
using Microsoft.Extensions.Options;

namespace Dialer.Tests.Dialing;

public sealed class CpsBudgetTests : DatabaseTest
{
    static CpsBudget Budget(double cps, string account = "ACtest") => new(Db,
        Options.Create(new DialingOptions { CallsPerSecond = cps }), Options.Create(new TwilioOptions { AccountSid = account }), TimeProvider.System);

    [Test]
    public async Task Two_replicas_taking_slots_at_once_get_slots_one_interval_apart()
    {
        // Two budgets = two replicas: they share only the database row.
        var replicas = new[] { Budget(5), Budget(5) };

        var slots = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => replicas[i % 2].TakeSlotAsync(default)));

        // The slots' instants, not the waits: a wait also counts the time between the statements, which a busy machine stretches.
        var sorted = slots.OrderBy(s => s.At).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(sorted[0].Wait, Is.LessThan(TimeSpan.FromMilliseconds(100)), "the first slot is now");
            for (var i = 1; i < sorted.Length; i++)
                Assert.That(sorted[i].At - sorted[i - 1].At, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(200)), $"slot {i}: never closer than 1/CPS");
        });
    }

    [Test]
    public async Task Behind_a_backlog_replicas_get_slots_exactly_one_interval_apart()
    {
        // A slot taken at 0.1 per second leaves the account's next slot 10 s away: everything after it waits.
        var backlog = await Budget(0.1).TakeSlotAsync(default);
        var replicas = new[] { Budget(5), Budget(5) };

        var slots = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => replicas[i % 2].TakeSlotAsync(default)));

        var sorted = slots.OrderBy(s => s.At).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(sorted[0].At - backlog.At, Is.EqualTo(TimeSpan.FromSeconds(10)), "the first slot after the backlog");
            Assert.That(sorted.Zip(sorted.Skip(1), (a, b) => b.At - a.At), Has.All.EqualTo(TimeSpan.FromMilliseconds(200)));
            Assert.That(sorted.Select(s => s.Wait), Has.All.GreaterThan(TimeSpan.FromSeconds(5)), "each waits for its slot");
        });
    }

    [Test]
    public async Task An_idle_budget_gives_a_slot_at_once_and_accounts_are_independent()
    {
        var first = await Budget(1, "ACone").TakeSlotAsync(default);

        var sameAccount = await Budget(1, "ACone").TakeSlotAsync(default);
        var otherAccount = await Budget(1, "ACtwo").TakeSlotAsync(default);

        Assert.Multiple(() =>
        {
            Assert.That(first.Wait, Is.LessThan(TimeSpan.FromMilliseconds(100)), "an idle budget's slot is now");
            Assert.That(sameAccount.At - first.At, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)), "one interval after the account's last slot");
            Assert.That(otherAccount.Wait, Is.LessThan(TimeSpan.FromMilliseconds(100)), "another account's budget is idle");
        });
    }
}
