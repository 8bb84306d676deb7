using System.Threading.Channels;
using Dialer.Core;
using Dialer.Core.Supervision;

namespace Dialer.Api.Supervision;

/// <summary>One snapshot as the streams send it: its JSON in Italian and in English (each stream picks its reader's).</summary>
public sealed record WallboardMessage(string Italian, string English)
{
    public string For(bool english) => english ? English : Italian;

    /// <summary>The view built once per language (<see cref="Text.Use"/> around the same code); the caller's language stays.</summary>
    public static WallboardMessage From(WallboardSnapshot snapshot)
    {
        var language = Text.Language;
        try
        {
            Text.Use("en");
            var english = WallboardView.From(snapshot).ToJson();
            Text.Use("it");
            return new WallboardMessage(WallboardView.From(snapshot).ToJson(), english);
        }
        finally
        {
            Text.Use(language);
        }
    }
}

/// <summary>
/// The wallboard's snapshots for every open stream of this process (docs/supervision.md "Situazione in tempo reale"):
/// ONE timer on the <see cref="TimeProvider"/> reads the floor every <see cref="Interval"/> while at least one stream is
/// open, and hands a snapshot to every stream only when the floor changed. No stream queries the database itself;
/// with no stream open there is no timer and no query. A check still running when the next is due makes that one skip.
/// </summary>
public sealed class WallboardFeed(Wallboard wallboard, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<WallboardFeed> logger)
    : IDisposable
{
    /// <summary>How often the floor is read while someone watches.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    readonly Lock gate = new();
    readonly HashSet<WallboardConnection> connections = [];
    ITimer? timer;
    WallboardSnapshot? last;
    WallboardMessage? latest;
    int checking;
    long checks;

    /// <summary>How many times the floor was read for the streams (one per tick, however many streams are open).</summary>
    public long Checks => Interlocked.Read(ref checks);

    /// <summary>How many streams are open in this process.</summary>
    public int OpenCount
    {
        get
        {
            lock (gate) return connections.Count;
        }
    }

    /// <summary>Opens a stream: it gets the latest snapshot at once when there is one, then every change. Disposing it closes it.</summary>
    public WallboardConnection Open()
    {
        var connection = new WallboardConnection(this);
        var first = false;
        lock (gate)
        {
            connections.Add(connection);
            if (latest is { } message) connection.Offer(message);
            if (timer is null)
            {
                timer = time.CreateTimer(_ => _ = CheckAsync(), null, Interval, Interval);
                first = true;
            }
        }
        // The first stream does not wait a whole interval for its first snapshot.
        if (first) _ = CheckAsync();
        return connection;
    }

    internal void Close(WallboardConnection connection)
    {
        lock (gate)
        {
            if (!connections.Remove(connection) || connections.Count > 0) return;
            // Nobody watches: no timer, and the next stream starts from a fresh read.
            timer?.Dispose();
            timer = null;
            last = null;
            latest = null;
        }
    }

    /// <summary>One tick: reads the floor and, when it changed, hands the new snapshot to every open stream.</summary>
    async Task CheckAsync()
    {
        if (Interlocked.Exchange(ref checking, 1) == 1) return;
        WallboardMessage? message = null;
        WallboardConnection[] targets = [];
        try
        {
            Interlocked.Increment(ref checks);
            var snapshot = await wallboard.ReadAsync(lifetime.ApplicationStopping);
            lock (gate)
            {
                if (connections.Count == 0 || snapshot.SameAs(last)) return;
                message = WallboardMessage.From(snapshot);
                last = snapshot;
                latest = message;
                targets = [.. connections];
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // The host is stopping: the streams end with it.
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // The database is unreachable for a moment: the streams keep their last snapshot, the next tick tries again.
            logger.LogWarning(e, "The wallboard could not read the floor; trying again in {Interval}", Interval);
        }
        finally
        {
            // Done before the streams hear of it: whoever reacts to this snapshot finds the next tick free to run.
            Volatile.Write(ref checking, 0);
        }
        if (message is not null)
            foreach (var connection in targets) connection.Offer(message);
    }

    public void Dispose()
    {
        lock (gate)
        {
            timer?.Dispose();
            timer = null;
        }
    }
}

/// <summary>One open wallboard stream: only the newest snapshot waits in it (a browser that fell behind skips to the present).</summary>
public sealed class WallboardConnection : IDisposable
{
    readonly WallboardFeed feed;
    readonly Channel<WallboardMessage> channel = Channel.CreateBounded<WallboardMessage>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
        SingleWriter = false,
    });

    internal WallboardConnection(WallboardFeed feed) => this.feed = feed;

    public ChannelReader<WallboardMessage> Snapshots => channel.Reader;

    internal void Offer(WallboardMessage message) => channel.Writer.TryWrite(message);

    public void Dispose()
    {
        feed.Close(this);
        channel.Writer.TryComplete();
    }
}
