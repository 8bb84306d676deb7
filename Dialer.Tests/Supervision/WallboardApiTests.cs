using System.Net;
using System.Text.Json;
using Dialer.Api.Supervision;
using Dialer.Core.Accounts;
using Dialer.Core.Dialing;
using Dialer.Core.Operators;
using Dialer.Core.Supervision;
using Dialer.Tests.Operators;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dialer.Tests.Supervision;

/// <summary>GET /api/wallboard and its event stream over real HTTP, and the one shared timer behind the streams.</summary>
public sealed class WallboardApiTests : OperatorsTest
{
    [Test]
    public async Task Only_supervisors_and_admins_read_the_wallboard_and_its_stream()
    {
        using var app = new DialerApp();
        var operatorClient = await app.OperatorAsync("anna");
        var supervisor = await app.ClientAsync("sara", UserRole.Supervisor);

        using var anonymous = await app.Client.GetAsync("/api/wallboard");
        using var byOperator = await operatorClient.GetAsync("/api/wallboard");
        using var anonymousStream = await app.Client.GetAsync("/api/wallboard/events", HttpCompletionOption.ResponseHeadersRead);
        using var operatorStream = await operatorClient.GetAsync("/api/wallboard/events", HttpCompletionOption.ResponseHeadersRead);
        using var bySupervisor = await supervisor.GetAsync("/api/wallboard");
        using var byAdmin = await app.Admin.GetAsync("/api/wallboard");

        Assert.Multiple(() =>
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(byOperator.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(anonymousStream.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(operatorStream.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(bySupervisor.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(byAdmin.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task The_wallboard_names_operators_and_tiles_in_Italian_with_it_IT_numbers()
    {
        using var app = new DialerApp();
        await OperatorAsync("anna");
        await app.Services.GetRequiredService<OperatorRoster>().SignInAsync("anna", None);
        await QueueAsync(await CampaignAsync(), 1240);
        var supervisor = await app.ClientAsync("sara", UserRole.Supervisor);

        var view = JsonDocument.Parse(await supervisor.GetStringAsync("/api/wallboard")).RootElement;
        var tiles = view.GetProperty("tiles").EnumerateArray().ToDictionary(t => t.GetProperty("key").GetString()!,
            t => $"{t.GetProperty("value").GetString()} {t.GetProperty("label").GetString()}");
        var anna = view.GetProperty("operators")[0];

        Assert.Multiple(() =>
        {
            Assert.That(tiles["available"], Is.EqualTo("1 Operatori disponibili"));
            Assert.That(tiles["ready"], Is.EqualTo("1.240 In coda"));
            Assert.That(tiles["abandoned"], Is.EqualTo("– Chiamate abbandonate"));
            Assert.That(view.GetProperty("tiles").EnumerateArray().Single(t => t.GetProperty("key").GetString() == "abandoned")
                .GetProperty("detail").GetString(), Is.EqualTo("su obiettivo 3%"));
            Assert.That(view.GetProperty("figures").GetProperty("ready").GetInt64(), Is.EqualTo(1240));
            Assert.That(anna.GetProperty("name").GetString(), Is.EqualTo("Operatore anna"));
            Assert.That(anna.GetProperty("state").GetString(), Is.EqualTo("available"));
            Assert.That(anna.GetProperty("stateText").GetString(), Is.EqualTo("Disponibile"));
            Assert.That(view.GetProperty("announcement").GetString(), Is.EqualTo("Disponibili 1, in chiamata 0, in pausa 0, in coda 1.240."));
        });
    }

    [Test]
    public async Task The_stream_sends_the_floor_then_a_new_snapshot_when_an_operator_becomes_available()
    {
        using var app = new DialerApp();
        var roster = app.Services.GetRequiredService<OperatorRoster>();
        await OperatorAsync("anna");
        await roster.SignInAsync("anna", None);
        await roster.PauseAsync("anna", PauseReason.Break, None);
        var supervisor = await app.ClientAsync("sara", UserRole.Supervisor);
        using var stream = await SnapshotStream.OpenAsync(supervisor);

        var before = await stream.NextAsync();
        await roster.SetAvailableAsync("anna", None);
        var after = await stream.NextAsync();

        Assert.Multiple(() =>
        {
            Assert.That(stream.Retry, Is.EqualTo("retry: 3000"));
            Assert.That(before.GetProperty("figures").GetProperty("paused").GetInt32(), Is.EqualTo(1));
            Assert.That(before.GetProperty("figures").GetProperty("available").GetInt32(), Is.EqualTo(0));
            Assert.That(after.GetProperty("figures").GetProperty("paused").GetInt32(), Is.EqualTo(0));
            Assert.That(after.GetProperty("figures").GetProperty("available").GetInt32(), Is.EqualTo(1));
            Assert.That(after.GetProperty("operators")[0].GetProperty("stateText").GetString(), Is.EqualTo("Disponibile"));
        });
    }

    [Test]
    public async Task The_stream_ends_when_the_host_stops()
    {
        using var app = new DialerApp();
        var supervisor = await app.ClientAsync("sara", UserRole.Supervisor);
        using var stream = await SnapshotStream.OpenAsync(supervisor);
        await stream.NextAsync();

        app.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        Assert.That(await stream.EndedAsync(), Is.True, "the stream closes instead of holding the host's shutdown");
    }

    [Test]
    public async Task Two_streams_share_one_read_per_tick_and_with_nobody_watching_there_is_no_timer()
    {
        await OperatorAsync("anna");
        await Roster.SignInAsync("anna", None);
        await Roster.PauseAsync("anna", PauseReason.Break, None);
        var board = new Wallboard(Db, Clock, Options.Create(new DialingOptions()), Options.Create(new SupervisionOptions()));
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        using var feed = new WallboardFeed(board, Clock, lifetime, NullLogger<WallboardFeed>.Instance);

        var one = feed.Open();
        var two = feed.Open();
        var first = (await NextAsync(one), await NextAsync(two));
        var checksAtOpen = feed.Checks;
        await Roster.SetAvailableAsync("anna", None);
        Clock.Advance(WallboardFeed.Interval);
        var second = (await NextAsync(one), await NextAsync(two));
        var checksAfterTick = feed.Checks;
        one.Dispose();
        two.Dispose();
        Clock.Advance(WallboardFeed.Interval * 5);

        Assert.Multiple(() =>
        {
            Assert.That(checksAtOpen, Is.EqualTo(1), "the first stream's read serves the second");
            Assert.That(first.Item1, Is.SameAs(first.Item2));
            Assert.That(first.Item1.Italian, Does.Contain("\"paused\":1"));
            Assert.That(checksAfterTick, Is.EqualTo(2), "one read for the tick, whatever the number of streams");
            Assert.That(second.Item1, Is.SameAs(second.Item2));
            Assert.That(second.Item1.Italian, Does.Contain("\"available\":1"));
            Assert.That(second.Item1.English, Does.Contain("\"stateText\":\"Available\""));
            Assert.That(feed.OpenCount, Is.Zero);
            Assert.That(feed.Checks, Is.EqualTo(2), "no stream open: the timer is gone");
        });
    }

    static async Task<WallboardMessage> NextAsync(WallboardConnection connection)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await connection.Snapshots.ReadAsync(timeout.Token);
    }

    static long queueId;

    static async Task QueueAsync(long campaignId, int count)
    {
        await using var conn = await Db.OpenConnectionAsync();
        await conn.ExecuteAsync("""
            INSERT INTO call_queue_ready (queue_id, campaign_id, priority, due_at)
            SELECT @first + i, @campaignId, 1, now() - interval '1 minute' FROM generate_series(1, @count) i
            """, new { first = Interlocked.Add(ref queueId, count), campaignId, count });
    }
}

/// <summary>A client's open /api/wallboard/events: each snapshot's JSON, in order.</summary>
sealed class SnapshotStream(HttpResponseMessage response, StreamReader reader, string retry) : IDisposable
{
    public string Retry { get; } = retry;

    public static async Task<SnapshotStream> OpenAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/wallboard/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var retry = await reader.ReadLineAsync();
        await reader.ReadLineAsync();
        return new SnapshotStream(response, reader, retry!);
    }

    /// <summary>The next snapshot (heartbeats skipped); fails after 30 s without one.</summary>
    public async Task<JsonElement> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? name = null;
        while (true)
        {
            var line = await reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException("the stream ended");
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name == "snapshot")
                return JsonDocument.Parse(line[6..]).RootElement.Clone();
        }
    }

    /// <summary>True when the server closes the stream within 30 s (whatever it still sends first is skipped).</summary>
    public async Task<bool> EndedAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (await reader.ReadLineAsync(timeout.Token) is not null) { }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public void Dispose()
    {
        reader.Dispose();
        response.Dispose();
    }
}
