using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.Json;
using System.Text;
using Dialer.Worker.Telephony.Emulator;

namespace Dialer.Tests.Telephony.Emulator;

/// <summary>
/// The emulator over real HTTP for a test: its own Kestrel on a free loopback port, a clock running
/// <see cref="Speed"/> times faster than real time, a fixed seed, and an HttpClient with the account's Basic credentials.
/// </summary>
public sealed class TestEmulator : IAsyncDisposable
{
    public const string AuthToken = "0123456789abcdef0123456789abcdef";
    public const double Speed = 40;
    public const string Account = EmulatorOptions.DefaultAccountSid;

    TestEmulator(EmulatorHost host, CallbackReceiver receiver)
    {
        Host = host;
        Receiver = receiver;
        Client = new HttpClient { BaseAddress = host.BaseUrl, Timeout = TimeSpan.FromSeconds(20) };
        Client.DefaultRequestHeaders.Authorization = Basic(Account, AuthToken);
    }

    public EmulatorHost Host { get; }
    public TwilioEmulator Engine => Host.Emulator;
    public CallbackReceiver Receiver { get; }
    public HttpClient Client { get; }

    public static string CallsPath => $"/2010-04-01/Accounts/{Account}/Calls.json";

    /// <summary>Every call is answered by a human after 2 s of ringing and lasts 30 s, unless the test says otherwise.</summary>
    public static EmulatorOptions Options(Action<EmulatorOptions>? change = null)
    {
        var options = new EmulatorOptions
        {
            AuthToken = AuthToken,
            Seed = 42,
            CallsPerSecond = 50,
            DefaultProfile = new CallProfile { Ring = new(2, 2), Talk = new(30, 30), Detection = new(2, 2) },
            OperatorProfile = new CallProfile { Pattern = "client:*", Ring = new(1, 1), Talk = new(10, 10) },
        };
        change?.Invoke(options);
        return options;
    }

    public static async Task<TestEmulator> StartAsync(Action<EmulatorOptions>? change = null, double speed = Speed)
    {
        var receiver = await CallbackReceiver.StartAsync(AuthToken);
        var host = await EmulatorHost.StartAsync(Options(change), time: new AcceleratedClock(speed));
        return new TestEmulator(host, receiver);
    }

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    public static FormUrlEncodedContent Form(params (string Key, string Value)[] pairs) =>
        new(pairs.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));

    /// <summary>POST …/Calls.json to +393331234567 from +390212345678 with the given extra parameters.</summary>
    public Task<HttpResponseMessage> PostCreateAsync(params (string Key, string Value)[] extra) =>
        Client.PostAsync(CallsPath, Form([("To", "+393331234567"), ("From", "+390212345678"), .. extra]));

    public async Task<JsonObject> CreateAsync(params (string Key, string Value)[] extra)
    {
        using var response = await PostCreateAsync(extra);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(201), body);
        return JsonNode.Parse(body)!.AsObject();
    }

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    /// <summary>Waits until the call reaches one of the given REST statuses; fails after 10 s.</summary>
    public async Task<EmulatedCallView> WaitForStatusAsync(string sid, params string[] statuses)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var view = Engine.Find(sid)!.Snapshot();
            if (statuses.Contains(view.Status)) return view;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Call {sid} is {view.Status}, not {string.Join("/", statuses)}: {Timeline(view)}");
            await Task.Delay(20);
        }
    }

    public static string Timeline(EmulatedCallView view) => string.Join(" → ", view.Timeline.Select(e => $"{e.Kind} {e.Detail}"));

    public async Task<HttpResponseMessage> ControlAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, "/_emulator/" + path);
        if (body is not null) request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        return await Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
