using System.Globalization;
using System.Net.Http.Json;
using Dialer.Core.Campaigns;
using Dialer.Core.Dialing.Queue;
using Dialer.Core.Dialing;
using Dialer.Core.Operators;
using Dialer.Tests.Selection;
using Dialer.Worker.Telephony.Emulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Dialer.Tests.Dialing;

/// <summary>
/// The whole dialing path for end-to-end tests: the Twilio emulator, the real API on Kestrel (webhooks, operator and
/// preview endpoints, the consumers that apply callbacks) and any number of worker hosts running the dialing loop, all
/// on the test database with one test clock set inside the calling window (a Tuesday, 10:00 in Rome).
/// </summary>
public sealed class DialingRig : IAsyncDisposable
{
    /// <summary>Tuesday 10 March 2026, 10:00 in Rome (CET): inside the default morning window, not a holiday.</summary>
    public static readonly DateTimeOffset Morning = new(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);

    readonly List<IHost> workers = [];
    readonly Dictionary<string, string?> settings;

    DialingRig(EmulatorHost emulator, DialerApp api, Dictionary<string, string?> settings, RealTimersFakeTime clock)
    {
        Emulator = emulator;
        Api = api;
        this.settings = settings;
        Clock = clock;
    }

    public EmulatorHost Emulator { get; }
    public DialerApp Api { get; }
    public RealTimersFakeTime Clock { get; }
    /// <summary>An admin's client, for supervisor routes such as the diagnostics.</summary>
    public HttpClient Client => Api.Admin;

    readonly Dictionary<string, HttpClient> operators = [];

    /// <summary>The client of a signed-in operator: the API's operator routes act as them.</summary>
    public async Task<HttpClient> OperatorAsync(string identity)
    {
        if (!operators.TryGetValue(identity, out var client)) operators[identity] = client = await Api.OperatorAsync(identity);
        return client;
    }
    public IServiceProvider Services => Api.Services;

    /// <param name="person">How the people called behave (default: every call answered by a person, short talk).</param>
    public static async Task<DialingRig> StartAsync(CallProfile? person = null)
    {
        var clock = new RealTimersFakeTime(Morning);
        // Simulated time runs 20 times faster than real time: the Italian <Say> before the operator is connected takes
        // about 4 simulated seconds, a conversation 20–30; the operator hangs up first, as at the end of a real call.
        var emulator = await EmulatorHost.StartAsync(new EmulatorOptions
        {
            CallsPerSecond = 50,
            Seed = 11,
            DefaultProfile = person ?? new CallProfile { Ring = new(2, 4), Talk = new(40, 50), Detection = new(1, 2) },
            OperatorProfile = CallProfile.Operator with { Ring = new(1, 2), Talk = new(10, 20) },
        }, time: new AcceleratedClock(20));
        var port = FreePort.Next();
        var settings = new Dictionary<string, string?>
        {
            ["Telephony:Provider"] = "Emulator",
            ["Twilio:BaseUrl"] = emulator.BaseUrl.ToString().TrimEnd('/'),
            ["Twilio:AccountSid"] = emulator.Emulator.AccountSid,
            ["Twilio:AuthToken"] = emulator.Emulator.AuthToken,
            ["Twilio:From"] = "+390277404040",
            ["Twilio:PublicBaseUrl"] = $"http://127.0.0.1:{port}",
            ["Twilio:ReconcileDelay"] = "00:00:00.200",
            ["Dialing:CallsPerSecond"] = "50",
            ["Dialing:PollInterval"] = "00:00:01",
        };
        var api = new DialerApp(settings: settings, port: port, services: s => s.AddSingleton<TimeProvider>(clock));
        return new DialingRig(emulator, api, settings, clock);
    }

    /// <summary>Starts a worker running the dialing loop (one more replica).</summary>
    /// <param name="overrides">Settings of this worker only (e.g. its Twilio:RequestTimeout).</param>
    /// <param name="services">Replacements for this worker (e.g. a telephony client that fails once).</param>
    public async Task<IHost> StartWorkerAsync(IReadOnlyDictionary<string, string?>? overrides = null, Action<IServiceCollection>? services = null)
    {
        var workerSettings = new Dictionary<string, string?>(settings) { ["Dialing:Enabled"] = "true" };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) workerSettings[key] = value;
        var worker = TestWorkerHost.Create($"dialing-{workers.Count}", settings: workerSettings,
            services: s =>
            {
                s.AddSingleton<TimeProvider>(Clock);
                services?.Invoke(s);
            });
        workers.Add(worker);
        await worker.StartAsync();
        return worker;
    }

    public async Task<long> CampaignAsync(string mode = "progressive", string slug = "donne-milano", int maxAttemptsPerDay = 1)
    {
        var definition = Population.Campaign(slug) with { Dialing = new Core.Campaigns.DialingSettings
        {
            Mode = mode == "preview" ? Core.Campaigns.DialingMode.Preview : Core.Campaigns.DialingMode.Progressive,
            MaxAttemptsPerDay = maxAttemptsPerDay,
        } };
        return (await Services.GetRequiredService<CampaignStore>().ApplyAsync(definition, default)).Campaign.Id;
    }

    /// <summary>People to call, straight into the campaign's queue (the contact list's path is the queue's own test).</summary>
    public async Task<IReadOnlyList<string>> EnqueueAsync(long campaignId, int count, string comune = "F205")
    {
        var phones = Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"+39347{1000000 + i:D7}")).ToList();
        var entries = phones.Select((phone, i) => new QueueEntry(campaignId, string.Create(CultureInfo.InvariantCulture, $"PRSN{i:D12}"), phone, comune, i + 1,
            Clock.GetUtcNow().AddMinutes(-1), null)).ToList();
        await Services.GetRequiredService<CallQueue>().EnqueueAsync(entries, default);
        return phones;
    }

    /// <summary>Creates the operators and signs them in through the API, as the console will.</summary>
    public async Task OperatorsAsync(params string[] identities)
    {
        foreach (var identity in identities)
        {
            await Services.GetRequiredService<OperatorDirectory>().SaveAsync(new OperatorProfile(identity, "Operatore " + identity), default);
            (await (await OperatorAsync(identity)).PostAsync("/api/me/sign-in", null)).EnsureSuccessStatusCode();
        }
    }

    /// <summary>Calls the emulator placed to people (not the operator legs), by number.</summary>
    public IReadOnlyList<string> PeopleCalled() =>
        Emulator.Emulator.Calls.Where(c => c.ParentCallSid is null).Select(c => c.Request.To).ToList();

    public async Task<HttpResponseMessage> DisposeCallAsync(long attemptId, string identity, object disposition) =>
        await (await OperatorAsync(identity)).PostAsJsonAsync($"/api/calls/{attemptId}/disposition", disposition);

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in workers)
        {
            await worker.StopAsync();
            worker.Dispose();
        }
        Api.Dispose();
        await Emulator.DisposeAsync();
    }

    /// <summary>Every attempt still recorded, in order.</summary>
    public static async Task<IReadOnlyList<CallAttempt>> AttemptsAsync()
    {
        await using var conn = await TestDatabase.DataSource.OpenConnectionAsync();
        var ids = await conn.QueryAsync<long>("SELECT id FROM call_attempts ORDER BY id");
        var attempts = new CallAttempts(TestDatabase.DataSource, TimeProvider.System);
        var list = new List<CallAttempt>();
        // An attempt for which no operator could be reserved is deleted meanwhile: it never happened.
        foreach (var id in ids)
            if (await attempts.FindAsync(id, default) is { } attempt) list.Add(attempt);
        return list;
    }

    /// <summary>An operator's presence state, as stored.</summary>
    public static async Task<string?> PresenceAsync(string identity)
    {
        await using var conn = await TestDatabase.DataSource.OpenConnectionAsync();
        return await conn.QuerySingleOrDefaultAsync<string>(
            "SELECT p.state FROM operator_presence p JOIN operators o ON o.id = p.operator_id WHERE o.identity = @identity", new { identity });
    }
}
