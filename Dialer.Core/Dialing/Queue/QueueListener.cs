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
    readonly Dictionary<long, List<Subscription>> waiters = [];   // per campaign, longest waiting first
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
            NpgsqlConnection? conn = null;
            try
            {
                conn = await db.OpenConnectionAsync(stopping);
                conn.Notification += (_, e) => Wake(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {CallQueue.Channel}", conn))
                    await listen.ExecuteNonQueryAsync(stopping);
                lock (gate) listening.TrySetResult();
                WakeAll();   // whatever was notified while we were not listening
                while (true) await conn.WaitAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                await UnlistenAsync(conn);
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
            {
                logger.LogWarning(ex, "Call queue listener lost its connection; reconnecting in {Delay}", ReconnectDelay);
                if (conn is not null) await conn.DisposeAsync();
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

    /// <summary>
    /// The connection goes back to the pool: stop listening first, in case the pool does not reset connections
    /// (a pooled connection still listening would receive notifications nobody reads).
    /// </summary>
    static async Task UnlistenAsync(NpgsqlConnection? conn)
    {
        if (conn is null) return;
        try
        {
            if (conn.State == System.Data.ConnectionState.Open)
            {
                await using var unlisten = new NpgsqlCommand("UNLISTEN *", conn);
                await unlisten.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException)
        {
            // A broken connection is not returned to the pool.
        }
        await conn.DisposeAsync();
    }

    /// <summary>Wakes as many of the campaign's waiters as rows came due ("campaign:count"), longest waiting first.</summary>
    void Wake(string payload)
    {
        var parts = payload.Split(':');
        if (!long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var campaignId)) return;
        var count = parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue;
        lock (gate)
        {
            if (!waiters.TryGetValue(campaignId, out var list)) return;
            foreach (var s in list)
            {
                if (count <= 0) break;
                if (s.Signal()) count--;
            }
        }
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

        /// <summary>True if this woke the waiter (false if it was already woken).</summary>
        public bool Signal() => woken.TrySetResult();

        public void Dispose() => owner.Remove(this);
    }
}
