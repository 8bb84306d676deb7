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

        var waits = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => replicas[i % 2].TakeSlotAsync(default)));

        var sorted = waits.Order().ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(sorted[0], Is.LessThan(TimeSpan.FromMilliseconds(100)), "the first slot is now");
            // Ten slots at 5 per second span 1.8 s; each later slot waits at least 200 ms more than the one before (minus the time between the statements).
            Assert.That(sorted[^1], Is.GreaterThan(TimeSpan.FromSeconds(1.5)));
            for (var i = 1; i < sorted.Length; i++)
                Assert.That(sorted[i] - sorted[i - 1], Is.GreaterThan(TimeSpan.FromMilliseconds(150)), $"slot {i}");
        });
    }

    [Test]
    public async Task An_idle_budget_gives_a_slot_at_once_and_accounts_are_independent()
    {
        await Budget(1, "ACone").TakeSlotAsync(default);

        var sameAccount = await Budget(1, "ACone").TakeSlotAsync(default);
        var otherAccount = await Budget(1, "ACtwo").TakeSlotAsync(default);

        Assert.Multiple(() =>
        {
            Assert.That(sameAccount, Is.GreaterThan(TimeSpan.FromMilliseconds(800)));
            Assert.That(otherAccount, Is.LessThan(TimeSpan.FromMilliseconds(100)));
        });
    }
}
