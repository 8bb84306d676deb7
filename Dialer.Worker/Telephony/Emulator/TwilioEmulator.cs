using System.Collections.Concurrent;
using Dialer.Core.Telephony;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Worker.Telephony.Emulator;

/// <summary>
/// The simulation engine behind the Twilio-compatible REST surface: the account, its calls, the CPS queue, the outcome
/// profiles, the faults to inject and every webhook sent. Usable in-process; hosted over HTTP by EmulatorHost.
/// </summary>
public sealed class TwilioEmulator : IAsyncDisposable
{
    readonly object gate = new();
    readonly ConcurrentDictionary<string, EmulatedCall> calls = new(StringComparer.Ordinal);
    readonly List<CreateFault> faults = [];
    readonly CancellationTokenSource stopping = new();
    readonly HttpClient http;
    readonly Task dispatcher;
    readonly TimeProvider time;
    readonly ILogger logger;
    EmulatorOptions options;
    Random random;
    long ordinal;
    int disposed;

    public TwilioEmulator(EmulatorOptions options, TimeProvider? time = null, ILogger? logger = null)
    {
        this.options = Validated(options);
        this.time = time ?? TimeProvider.System;
        this.logger = logger ?? NullLogger.Instance;
        random = NewRandom(options.Seed);
        http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            AllowAutoRedirect = true,   // Twilio follows 301/302/307 like a browser (docs/twilio-reference.md §4.1)
            UseCookies = false,
        }) { Timeout = Timeout.InfiniteTimeSpan };
        Webhooks = new WebhookSender(http, this.time, this.logger);
        Simulation = new CallSimulation(this, Webhooks, this.time, this.logger);
        Queue = new CpsQueue(this.time, () => this.options, Simulation.RunAsync);
        dispatcher = Task.Run(() => Queue.RunAsync(stopping.Token));
    }

    public TimeProvider Time => time;
    public string AccountSid => options.AccountSid;
    public string AuthToken => options.AuthToken;
    public EmulatorOptions Options => options;
    public CallbackFaults CallbackFaults => options.CallbackFaults;
    public WebhookSender Webhooks { get; }
    public CpsQueue Queue { get; }
    CallSimulation Simulation { get; }

    int concurrentRequests;

    /// <summary>REST requests in flight, reported as <c>Twilio-Concurrent-Requests</c>.</summary>
    public int ConcurrentRequests => Volatile.Read(ref concurrentRequests);

    /// <summary>Counts a REST request in; returns how many are in flight with it.</summary>
    public int EnterRequest() => Interlocked.Increment(ref concurrentRequests);

    public void LeaveRequest() => Interlocked.Decrement(ref concurrentRequests);

    /// <summary>
    /// HTTP Basic with the AccountSid and its Auth Token, or an API key (SK…) and its secret (docs/twilio-reference.md §1.1). The path's
    /// AccountSid must be the account the credentials belong to.
    /// </summary>
    public bool Authenticates(string? user, string? password, string pathAccountSid)
    {
        if (user is null || password is null) return false;
        var account = options;
        var valid = (user == account.AccountSid && FixedEquals(password, account.AuthToken)) ||
                    (account.ApiKeys.TryGetValue(user, out var secret) && FixedEquals(password, secret));
        return valid && pathAccountSid == account.AccountSid;
    }

    static bool FixedEquals(string a, string b) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(a), System.Text.Encoding.UTF8.GetBytes(b));

    /// <summary>The fault waiting for the next create, if any (consumes one of its count).</summary>
    public CreateFault? TakeCreateFault()
    {
        lock (gate)
        {
            if (faults.Count == 0) return null;
            var fault = faults[0];
            if (fault.Count > 1) faults[0] = fault with { Count = fault.Count - 1 };
            else faults.RemoveAt(0);
            return fault;
        }
    }

    public void InjectFault(CreateFault fault)
    {
        if (fault.Validate() is { } error) throw new ArgumentException(error, nameof(fault));
        lock (gate) faults.Add(fault);
    }

    public IReadOnlyList<CreateFault> PendingFaults
    {
        get { lock (gate) return [.. faults]; }
    }

    /// <summary>
    /// <c>POST …/Calls.json</c>: validates, draws the call's script, queues it. Returns the call and the resource as it
    /// was at creation (queued, no start_time), before the queue can move it on.
    /// </summary>
    public (EmulatedCall Call, CallResource Created) Create(IReadOnlyList<KeyValuePair<string, string>> form)
    {
        var request = CallRequest.Parse(form, options);
        EmulatedCall call;
        lock (gate)
        {
            var script = Scripts?.Invoke(request) ?? CallScript.Draw(ProfileFor(request.To), random);
            call = new EmulatedCall(NewSid("CA", random), options.AccountSid, request, script, time.GetUtcNow(), ordinal: ordinal++);
        }
        call.QueueTimeMs = (long)Queue.Estimate().TotalMilliseconds;
        var created = CallResource.Of(call);
        calls[call.Sid] = call;
        call.Record(call.Created, CallStatus.Queued, $"planned: {call.Script.Outcome}, {call.Script.Party}");
        Queue.Enqueue(call);
        logger.LogInformation("Emulated call {CallSid} queued", call.Sid);
        return (call, created);
    }

    /// <summary>A &lt;Dial&gt; child leg; its chance draws come from the parent's seed, so they do not depend on timing.</summary>
    public EmulatedCall CreateChild(EmulatedCall parent, DialTarget target, TwimlVerb.Dial dial, int index)
    {
        var childRandom = new Random(unchecked(parent.Script.FaultSeed * 31 + index + 1));
        var request = new CallRequest
        {
            To = target.To,
            From = dial.CallerId ?? parent.Request.From,
            StatusCallback = target.StatusCallback,
            StatusCallbackMethod = target.StatusCallbackMethod,
            StatusCallbackEvents = target.StatusCallbackEvents,
            Timeout = dial.Timeout,
        };
        var now = time.GetUtcNow();
        long order;
        lock (gate) order = ordinal++;
        var script = Scripts?.Invoke(request) ?? CallScript.Draw(ProfileFor(target.To), childRandom);
        var child = new EmulatedCall(NewSid("CA", childRandom), parent.AccountSid, request, script,
            now, direction: "outbound-dial", parentCallSid: parent.Sid, ordinal: order);
        lock (child.Gate) child.Started = now;
        calls[child.Sid] = child;
        child.Record(now, CallStatus.Queued, $"dialled by {parent.Sid}; planned: {child.Script.Outcome}");
        return child;
    }

    /// <summary>
    /// Decides a call's script (outcome, party, ring and talk times) instead of the profiles, when set and it returns one:
    /// `dialer demo`'s behaviour model (docs/demo.md). Called once per call and per &lt;Dial&gt; leg, at creation, under
    /// the emulator's lock: it must be quick and must not call back into the emulator.
    /// </summary>
    public Func<CallRequest, CallScript?>? Scripts { get; set; }

    public EmulatedCall Fetch(string sid, string path) =>
        calls.TryGetValue(sid, out var call) && call.AccountSid == options.AccountSid ? call : throw TwilioApiException.NotFound(path);

    public IEnumerable<EmulatedCall> Calls => calls.Values.OrderBy(c => c.Ordinal);

    public EmulatedCall? Find(string sid) => calls.GetValueOrDefault(sid);

    /// <summary>
    /// <c>POST …/Calls/{Sid}.json</c> (docs/twilio-reference.md §1.5, §7.1.8): cancel, hang up or redirect.
    /// </summary>
    public EmulatedCall Update(string sid, string path, IReadOnlyList<KeyValuePair<string, string>> form)
    {
        string? One(string key) => form.LastOrDefault(p => p.Key == key).Value is { Length: > 0 } v ? v : null;
        var call = Fetch(sid, path);
        var status = One("Status");
        var url = One("Url");
        var twiml = One("Twiml");
        if (status is not null and not (CallStatus.Canceled or CallStatus.Completed))
            throw TwilioApiException.BadRequest(21218, $"Status must be canceled or completed, not {status}.");
        if (url is not null && twiml is not null) throw TwilioApiException.BadRequest(21205, "Url and Twiml cannot both be given.");
        if (url is not null) CallRequest.RequireAbsoluteUrl(url, 21205, "Url");
        var method = CallRequest.HttpMethod(One("Method"), "Method");

        var now = time.GetUtcNow();
        lock (call.Gate)
        {
            if (CallStatus.IsFinal(call.Status))
                throw TwilioApiException.InvalidCallState(status is null ? "Call is not in-progress. Cannot redirect." : "Call is not in-progress. Cannot update.");
            if (status is not null)
            {
                if (call.Status == CallStatus.Queued && call.Started is null)
                {
                    // Cancelled while still queued: it never started, and no status callback is fired (docs/twilio-reference.md §1.5).
                    call.Status = CallStatus.Canceled;
                    call.Ended = call.Updated = now;
                    call.Record(now, CallStatus.Canceled, "canceled through the API while queued");
                    return call;
                }
                if (call.Status == CallStatus.InProgress && status == CallStatus.Canceled) return call;   // canceled leaves answered calls alone
                call.StopRequestedAs ??= status;
            }
            else if (url is not null || twiml is not null)
            {
                if (call.Status != CallStatus.InProgress) throw TwilioApiException.InvalidCallState();
                call.PendingRedirect = new TwimlSource(url, method, twiml);
            }
        }
        if (status is not null) call.Hangup.Cancel();
        else if (url is not null || twiml is not null) call.Redirect.Cancel();
        return call;
    }

    public void Delete(string sid, string path)
    {
        var call = Fetch(sid, path);
        lock (call.Gate)
            if (!CallStatus.IsFinal(call.Status)) throw TwilioApiException.BadRequest(21220, "Cannot delete a call that is still in progress.");
        calls.TryRemove(sid, out _);
    }

    public CallProfile ProfileFor(string to) =>
        options.Profiles.FirstOrDefault(p => p.Matches(to)) ?? (to.StartsWith("client:", StringComparison.Ordinal) ? options.OperatorProfile : options.DefaultProfile);

    /// <summary>Replaces the settings that can change while running; the seed, when given, restarts the random draws.</summary>
    public void Configure(Func<EmulatorOptions, EmulatorOptions> change)
    {
        lock (gate)
        {
            var next = Validated(change(Clone(options)));
            if (next.Seed != options.Seed && next.Seed is not null) random = NewRandom(next.Seed);
            options = next;
        }
    }

    /// <summary>Forgets every call, webhook and pending fault; restarts the random draws from the seed.</summary>
    public void Reset()
    {
        lock (gate)
        {
            foreach (var call in calls.Values)
            {
                // Ended first, so that the simulation stops without sending anything more for it.
                lock (call.Gate)
                    if (!CallStatus.IsFinal(call.Status)) call.Status = CallStatus.Canceled;
                call.Hangup.Cancel();
            }
            calls.Clear();
            faults.Clear();
            random = NewRandom(options.Seed);
            ordinal = 0;
        }
        Webhooks.Clear();
        Queue.Reset();
    }

    public EmulatorStats Stats()
    {
        var departures = Queue.Departures;
        var views = calls.Values.Select(c => c.Snapshot()).ToList();
        return new EmulatorStats(options.CallsPerSecond, views.Count,
            views.GroupBy(v => v.Status).ToDictionary(g => g.Key, g => g.Count()),
            CpsQueue.MaxPerSecond(departures), departures);
    }

    static EmulatorOptions Validated(EmulatorOptions o)
    {
        string? error =
            !System.Text.RegularExpressions.Regex.IsMatch(o.AccountSid ?? "", "^AC[0-9a-fA-F]{32}$") ? $"AccountSid must be AC followed by 32 hex digits, not '{o.AccountSid}'"
            : string.IsNullOrEmpty(o.AuthToken) ? "AuthToken must not be empty"
            : o.CallsPerSecond is <= 0 or > 1000 || double.IsNaN(o.CallsPerSecond) ? $"CallsPerSecond must be > 0 and ≤ 1000, not {o.CallsPerSecond}"
            : o.ApiKeys.Keys.FirstOrDefault(k => !k.StartsWith("SK", StringComparison.Ordinal)) is { } badKey ? $"API key SIDs start with SK, not '{badKey}'"
            : o.DefaultProfile.Validate() ?? o.OperatorProfile.Validate() ?? o.Profiles.Select(p => p.Validate()).FirstOrDefault(e => e is not null)
              ?? o.CallbackFaults.Validate();
        return error is null ? o : throw new ArgumentException(error);
    }

    static EmulatorOptions Clone(EmulatorOptions o) => new()
    {
        AccountSid = o.AccountSid, AuthToken = o.AuthToken, ApiKeys = new(o.ApiKeys), CallsPerSecond = o.CallsPerSecond, Seed = o.Seed,
        StrictParameters = o.StrictParameters, MaxConcurrentRequests = o.MaxConcurrentRequests, OwnedNumbers = [.. o.OwnedNumbers],
        GeoBlockedPrefixes = [.. o.GeoBlockedPrefixes], MaxQueueTime = o.MaxQueueTime, DefaultProfile = o.DefaultProfile,
        OperatorProfile = o.OperatorProfile, Profiles = [.. o.Profiles], CallbackFaults = o.CallbackFaults,
    };

    static Random NewRandom(int? seed) => seed is { } s ? new Random(s) : new Random();

    static string NewSid(string prefix, Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return prefix + Convert.ToHexStringLower(bytes);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        await stopping.CancelAsync();
        foreach (var call in calls.Values) call.Hangup.Cancel();
        try
        {
            await dispatcher;
        }
        catch (OperationCanceledException)
        {
        }
        http.Dispose();
        stopping.Dispose();
    }
}

/// <summary>What the control API reports: the CPS setting, the calls by status and the most calls seen leaving the queue in one second.</summary>
public sealed record EmulatorStats(double CallsPerSecond, int Calls, IReadOnlyDictionary<string, int> ByStatus, int MaxDeparturesInOneSecond,
    IReadOnlyList<DateTimeOffset> Departures);
