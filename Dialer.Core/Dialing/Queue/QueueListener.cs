using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Dialer.Core.Dialing.Queue;

/// <summary>
/// One connection per process LISTENing on <see cref="CallQueue.Channel"/>, started by the first waiter, handing each
/// notification to the waiters of its campaign. Idle, it sends nothing: the server pushes notifications to it. After a
/// lost connection it wakes every waiter (notifications may have been missed) and reconnects.
/// </summary>
sealed class QueueListener(NpgsqlDataSource db, TimeProvider time, ILogger logger) : IAsyncDisposable
{
    static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    readonly Lock gate = new();
    readonly Dictionary<long, HashSet<Subscription>> waiters = [];
    readonly CancellationTokenSource stop = new();
    TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    Task? loop;

    public Subscription Subscribe(long campaignId)
    {
        var subscription = new Subscription(this, campaignId);
        lock (gate)
        {
            if (!waiters.TryGetValue(campaignId, out var set)) waiters[campaignId] = set = [];
            set.Add(subscription);
        }
        return subscription;
    }

    /// <summary>Starts the listening connection if needed and waits (at most <paramref name="atMost"/>) until it listens.</summary>
    public async Task EnsureListeningAsync(TimeSpan atMost, CancellationToken ct)
    {
        Task ready;
        lock (gate)
        {
            loop ??= Task.Run(() => ListenAsync(stop.Token), CancellationToken.None);
            ready = listening.Task;
        }
        try
        {
            await ready.WaitAsync(atMost, time, ct);
        }
        catch (TimeoutException)
        {
            // The database is unreachable for now: the caller's wait falls back to its safety poll.
        }
    }

    async Task ListenAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var conn = await db.OpenConnectionAsync(stopping);
                conn.Notification += (_, e) =>
                {
                    if (long.TryParse(e.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out var campaignId)) Wake(campaignId);
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {CallQueue.Channel}", conn))
                    await listen.ExecuteNonQueryAsync(stopping);
                lock (gate) listening.TrySetResult();
                WakeAll();   // whatever was notified while we were not listening
                while (true) await conn.WaitAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
            {
                logger.LogWarning(ex, "Call queue listener lost its connection; reconnecting in {Delay}", ReconnectDelay);
                lock (gate)
                {
                    if (listening.Task.IsCompleted) listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                WakeAll();
                try
                {
                    await Task.Delay(ReconnectDelay, time, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    void Wake(long campaignId)
    {
        Subscription[] woken;
        lock (gate) woken = waiters.TryGetValue(campaignId, out var set) ? [.. set] : [];
        foreach (var s in woken) s.Signal();
    }

    void WakeAll()
    {
        Subscription[] woken;
        lock (gate) woken = [.. waiters.Values.SelectMany(s => s)];
        foreach (var s in woken) s.Signal();
    }

    void Remove(Subscription subscription)
    {
        lock (gate)
        {
            if (waiters.TryGetValue(subscription.CampaignId, out var set) && set.Remove(subscription) && set.Count == 0)
                waiters.Remove(subscription.CampaignId);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        Task? running;
        lock (gate) running = loop;
        if (running is not null) await running;
        stop.Dispose();
    }

    /// <summary>One waiter's interest in one campaign, until disposed.</summary>
    public sealed class Subscription(QueueListener owner, long campaignId) : IDisposable
    {
        readonly TaskCompletionSource woken = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long CampaignId => campaignId;

        public Task Woken => woken.Task;

        public void Signal() => woken.TrySetResult();

        public void Dispose() => owner.Remove(this);
    }
}
