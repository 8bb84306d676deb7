using Dialer.Core.Dialing.Queue;
using Dialer.Core.Operators;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Tests.Operators;

/// <summary>
/// While every operator is busy the dialing loop waits for a NOTIFY rather than spinning over work nobody can take; an
/// operator becoming available sends one for each active campaign she may take (docs/dialing.md).
/// </summary>
public sealed class AvailableWakesTheLoopTests : OperatorsTest
{
    [Test]
    public async Task An_operator_becoming_available_wakes_a_loop_waiting_on_her_campaign_and_not_one_on_another()
    {
        var hers = await CampaignAsync("cob23");
        var other = await CampaignAsync("altra");
        await OperatorAsync("anna", null, "cob23");
        await Roster.SignInAsync("anna", None);                      // signed in is available: she pauses, then comes back
        await Roster.PauseAsync("anna", PauseReason.Break, None);
        await using var queue = new CallQueue(Db, TimeProvider.System, NullLogger<CallQueue>.Instance);

        // Once the queue listens, a wait subscribes before it returns its task: the NOTIFY below cannot come too early.
        await queue.WaitForNotifyAsync(hers, TimeSpan.FromMilliseconds(1), None);
        var onHers = queue.WaitForNotifyAsync(hers, TimeSpan.FromSeconds(30), None);
        var onOther = queue.WaitForNotifyAsync(other, TimeSpan.FromSeconds(3), None);
        await Roster.SetAvailableAsync("anna", None);

        Assert.That(await onHers, Is.True, "woken by her NOTIFY, long before the 30 s poll");
        Assert.That(await onOther, Is.False, "a campaign she may not take is not woken: its wait ends on the poll");
    }
}
