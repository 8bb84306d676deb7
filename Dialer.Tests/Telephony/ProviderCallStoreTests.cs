using Dialer.Core.Telephony;

namespace Dialer.Tests.Telephony;

/// <summary>The store's batch (group commit) semantics, which a batch of one (per-request writes) shares.</summary>
public sealed class ProviderCallStoreTests : DatabaseTest
{
    const string Sid = "CA0123456789abcdef0123456789abcdef";

    [Test]
    public async Task One_batch_with_a_callback_twice_and_out_of_order_keeps_the_latest_once()
    {
        var store = new ProviderCallStore(Db);

        var results = await store.RecordAsync(
        [
            TestCallbacks.Status(Sid, "in-progress", 2),
            TestCallbacks.Status(Sid, "ringing", 1),
            TestCallbacks.Status(Sid, "in-progress", 2),
        ], CancellationToken.None);

        var call = await store.FindAsync(Sid, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.IsNew), Is.EqualTo(new[] { true, true, false }));
            Assert.That(results[0].Applied, Is.True);
            Assert.That(results[1].Applied, Is.False);
            Assert.That(call!.Status, Is.EqualTo("in-progress"));
            Assert.That(call.SequenceNumber, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Final_status_is_never_overwritten_by_a_later_batch()
    {
        var store = new ProviderCallStore(Db);
        await store.RecordAsync([TestCallbacks.Status(Sid, "busy", 2)], CancellationToken.None);

        var late = await store.RecordAsync([TestCallbacks.Status(Sid, "ringing", 1), TestCallbacks.Status(Sid, "initiated", 0)], CancellationToken.None);

        var call = await store.FindAsync(Sid, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(late.Select(r => (r.IsNew, r.Applied)), Is.All.EqualTo((true, false)));
            Assert.That(call!.Status, Is.EqualTo("busy"));
            Assert.That(call.IsFinal, Is.True);
        });
    }

    [Test]
    public async Task Unknown_status_is_refused_before_anything_is_written()
    {
        var store = new ProviderCallStore(Db);

        Assert.ThrowsAsync<ArgumentException>(() => store.RecordAsync(
            [TestCallbacks.Status(Sid, "ringing", 1), TestCallbacks.Status(Sid, "exploded", 2)], CancellationToken.None));

        Assert.That(await store.FindAsync(Sid, CancellationToken.None), Is.Null);
    }
}
