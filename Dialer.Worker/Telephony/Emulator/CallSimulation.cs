using System.Globalization;
using Dialer.Core.Telephony;

namespace Dialer.Worker.Telephony.Emulator;

/// <summary>
/// Plays one call's life on the clock (docs/twilio-reference.md §2, §7.2–7.3): initiated → ringing → answered or a non-answer end;
/// on answer, AMD, the answer TwiML and the verbs it holds (&lt;Say&gt;, &lt;Pause&gt;, &lt;Dial&gt; to an operator
/// leg, &lt;Redirect&gt;, &lt;Hangup&gt;), until someone hangs up; status callbacks all along.
/// </summary>
public sealed class CallSimulation(TwilioEmulator emulator, WebhookSender webhooks, TimeProvider time, ILogger logger)
{
    /// <summary>From leaving the queue to the destination ringing: the network's call set-up.</summary>
    static readonly TimeSpan SetUp = TimeSpan.FromSeconds(1);

    public async Task RunAsync(EmulatedCall call)
    {
        try
        {
            await LifeAsync(call);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "The simulation of call {CallSid} failed", call.Sid);
            call.Record(time.GetUtcNow(), "error", ex.Message);
            End(call, CallStatus.Failed, 500);
        }
    }

    async Task LifeAsync(EmulatedCall call)
    {
        if (!await RingAsync(call, TimeSpan.FromSeconds(call.Request.Timeout), call.Hangup.Token)) return;

        // The callee hangs up after their talk time; TimeLimit ends the call too.
        var talk = call.Request.TimeLimit is { } limit && limit < call.Script.Talk.TotalSeconds ? TimeSpan.FromSeconds(limit) : call.Script.Talk;
        using var talkOver = new CancellationTokenSource(talk, time);
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(call.Hangup.Token, talkOver.Token);
        try
        {
            var extra = new List<KeyValuePair<string, string>>();
            if (call.Request.DetectsMachines)
            {
                if (call.Request.AsyncAmd) _ = DetectAsync(call, ended.Token, extra: null);
                else await DetectAsync(call, ended.Token, extra);
            }
            await RunTwimlAsync(call, call.Request.Answer, "answer", extra, ended.Token);
            call.Record(time.GetUtcNow(), "hangup", "the TwiML ended the call");
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested)
        {
            call.Record(time.GetUtcNow(), "hangup", call.StopRequestedAs is null ? "the called party hung up" : "ended through the API");
        }
        End(call, CallStatus.Completed, 200);
    }

    /// <summary>Initiated, ringing, then answered (true) or ended as busy, no-answer, failed or canceled (false).</summary>
    async Task<bool> RingAsync(EmulatedCall call, TimeSpan timeout, CancellationToken token)
    {
        try
        {
            call.Record(time.GetUtcNow(), CallStatus.Initiated);
            Callback(call, "initiated", CallStatus.Initiated);
            await Task.Delay(SetUp, time, token);
            if (call.Script.Outcome == CallOutcome.Failed)
            {
                End(call, CallStatus.Failed, 404);
                return false;
            }
            SetStatus(call, CallStatus.Ringing);
            Callback(call, "ringing", CallStatus.Ringing);
            var answers = call.Script.Outcome == CallOutcome.Answered && call.Script.Ring < timeout;
            var ring = call.Script.Outcome == CallOutcome.Busy ? Min(call.Script.Ring, timeout) : answers ? call.Script.Ring : timeout;
            await Task.Delay(ring, time, token);
            if (!answers)
            {
                var busy = call.Script.Outcome == CallOutcome.Busy && call.Script.Ring < timeout;
                End(call, busy ? CallStatus.Busy : CallStatus.NoAnswer, busy ? 486 : 487);
                return false;
            }
            var now = time.GetUtcNow();
            lock (call.Gate) call.Answered = now;
            SetStatus(call, CallStatus.InProgress);
            Callback(call, "answered", CallStatus.InProgress);
            return true;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            End(call, CallStatus.Canceled, 487);
            return false;
        }
    }

    /// <summary>
    /// Answering machine detection (docs/twilio-reference.md §2.5): synchronous AMD adds AnsweredBy to the answer request
    /// (<paramref name="extra"/>); asynchronous AMD posts the verdict to AsyncAmdStatusCallback.
    /// </summary>
    async Task DetectAsync(EmulatedCall call, CancellationToken ended, List<KeyValuePair<string, string>>? extra)
    {
        var request = call.Request;
        var (verdict, took) = call.Script.Party switch
        {
            AnsweringParty.Human => ("human", call.Script.Detection),
            AnsweringParty.Machine => (request.MachineDetection == "DetectMessageEnd" ? "machine_end_beep" : "machine_start", call.Script.Detection),
            _ => ("unknown", TimeSpan.FromSeconds(request.MachineDetectionTimeout)),
        };
        try
        {
            await Task.Delay(took, time, ended);
        }
        catch (OperationCanceledException) when (extra is null)
        {
            return;   // the call ended before AMD decided
        }
        lock (call.Gate)
            if (CallStatus.IsFinal(call.Status)) return;
        var ms = ((long)took.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        lock (call.Gate) call.AnsweredBy = verdict;
        call.Record(time.GetUtcNow(), "amd", $"{verdict} after {ms} ms");
        if (extra is not null)
        {
            extra.Add(new("AnsweredBy", verdict));
            extra.Add(new("MachineDetectionDuration", ms));
            return;
        }
        if (request.AsyncAmdStatusCallback is null)
        {
            call.Record(time.GetUtcNow(), "warning", "21262: AMD without AsyncAmdStatusCallback; the verdict is only on the resource");
            return;
        }
        var hook = webhooks.Prepare(call.Sid, "amd-status-callback", request.AsyncAmdStatusCallback, request.AsyncAmdStatusCallbackMethod,
            [new("AccountSid", call.AccountSid), new("AnsweredBy", verdict), new("CallSid", call.Sid), new("MachineDetectionDuration", ms)],
            emulator.AuthToken);
        await webhooks.SendAsync(hook, CancellationToken.None);
    }

    async Task RunTwimlAsync(EmulatedCall call, TwimlSource? source, string kind, IReadOnlyList<KeyValuePair<string, string>> extra, CancellationToken ended)
    {
        var verbs = source is null ? [] : await LoadAsync(call, source, kind, extra, ended);
        while (true)
        {
            CancellationTokenSource redirect;
            lock (call.Gate) redirect = call.Redirect;
            using var running = CancellationTokenSource.CreateLinkedTokenSource(ended, redirect.Token);
            try
            {
                verbs = await ExecuteAsync(call, verbs, running.Token);
                if (verbs is null) return;
            }
            catch (OperationCanceledException) when (redirect.IsCancellationRequested && !ended.IsCancellationRequested)
            {
                TwimlSource next;
                lock (call.Gate)
                {
                    next = call.PendingRedirect!;
                    call.Redirect = new CancellationTokenSource();
                }
                call.Record(time.GetUtcNow(), "redirect", next.Url ?? "inline TwiML");
                verbs = await LoadAsync(call, next, "redirect", [], ended);
            }
        }
    }

    /// <summary>Runs the verbs; returns the next document to run (after a &lt;Redirect&gt; or a &lt;Dial action&gt;), or null when the call ends.</summary>
    async Task<IReadOnlyList<TwimlVerb>?> ExecuteAsync(EmulatedCall call, IReadOnlyList<TwimlVerb> verbs, CancellationToken token)
    {
        foreach (var verb in verbs)
        {
            token.ThrowIfCancellationRequested();
            switch (verb)
            {
                case TwimlVerb.Say say:
                    call.Record(time.GetUtcNow(), "say", $"[{say.Language ?? "en-US"}|{say.Voice ?? "default"}] {say.Text}");
                    // About 15 characters a second of speech (docs/twilio-reference.md §7.3.19); loop="0" repeats until hang-up.
                    var speech = TimeSpan.FromSeconds(Math.Max(1, say.Text.Length / 15.0));
                    await Task.Delay(say.Loop == 0 ? Timeout.InfiniteTimeSpan : speech * say.Loop, time, token);
                    break;
                case TwimlVerb.Pause pause:
                    call.Record(time.GetUtcNow(), "pause", $"{pause.Length} s");
                    await Task.Delay(TimeSpan.FromSeconds(pause.Length), time, token);
                    break;
                case TwimlVerb.Hangup:
                    return null;
                case TwimlVerb.Redirect redirect:
                    call.Record(time.GetUtcNow(), "redirect", redirect.Url);
                    return await LoadAsync(call, new TwimlSource(redirect.Url, redirect.Method, null), "redirect", [], token);
                case TwimlVerb.Dial dial:
                    if (await DialAsync(call, dial, token) is { } next) return next;
                    break;
                case TwimlVerb.Skip skip:
                    call.Record(time.GetUtcNow(), "skipped", $"<{skip.Name}> is not simulated");
                    break;
            }
        }
        return null;
    }

    /// <summary>
    /// &lt;Dial&gt; (docs/twilio-reference.md §7.3.20): rings every target at once as child legs (outbound-dial, never CPS-queued); the first
    /// to answer is bridged until either side hangs up. Returns the &lt;Dial action&gt;'s TwiML, or null to go on.
    /// </summary>
    async Task<IReadOnlyList<TwimlVerb>?> DialAsync(EmulatedCall parent, TwimlVerb.Dial dial, CancellationToken token)
    {
        Note(parent, "dial", string.Join(", ", dial.Targets.Select(t => t.To)));
        var children = dial.Targets.Select((t, i) => emulator.CreateChild(parent, t, dial, i)).ToList();
        var timeout = TimeSpan.FromSeconds(dial.Timeout);
        var rings = children.ToDictionary(c => RingAsync(c, timeout, c.Hangup.Token), c => c);
        using var parentGone = token.Register(() => { foreach (var c in children) Stop(c, CallStatus.Canceled); });
        EmulatedCall? winner = null;
        var pending = rings.Keys.ToList();
        while (pending.Count > 0 && winner is null)
        {
            var done = await Task.WhenAny(pending);
            pending.Remove(done);
            if (await done) winner = rings[done];
        }
        foreach (var loser in children.Where(c => c != winner)) Stop(loser, CallStatus.Canceled);
        foreach (var late in pending)
            if (await late) End(rings[late], CallStatus.Completed, 200);   // answered in the same instant as the winner

        var status = winner is null ? DialStatusOf(children) : CallStatus.Completed;
        if (winner is not null)
        {
            Note(parent, "bridged", winner.Sid);
            var limit = Min(winner.Script.Talk, TimeSpan.FromSeconds(dial.TimeLimit));
            using var operatorDone = new CancellationTokenSource(limit, time);
            using var bridge = CancellationTokenSource.CreateLinkedTokenSource(token, operatorDone.Token, winner.Hangup.Token);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, time, bridge.Token);
            }
            catch (OperationCanceledException)
            {
            }
            End(winner, CallStatus.Completed, 200);
        }
        int? duration = null;
        if (winner is not null)
            lock (winner.Gate) duration = winner.Duration;
        var dialSid = (winner ?? children.LastOrDefault())?.Sid;
        Note(parent, "dial-result", $"{status} {dialSid} {duration}");
        if (dial.Action is null)
        {
            token.ThrowIfCancellationRequested();
            return null;
        }
        List<KeyValuePair<string, string>> result = [new("DialCallStatus", status), new("DialBridged", winner is null ? "false" : "true")];
        if (dialSid is not null) result.Add(new("DialCallSid", dialSid));
        result.Add(new("DialCallDuration", (duration ?? 0).ToString(CultureInfo.InvariantCulture)));
        // When the customer hung up during the bridge Twilio still requests the action, and ignores what it returns.
        var next = await LoadAsync(parent, new TwimlSource(dial.Action, dial.Method, null), "dial-action", result,
            token.IsCancellationRequested ? CancellationToken.None : token);
        token.ThrowIfCancellationRequested();
        return next;

        void Note(EmulatedCall c, string kind, string detail) => c.Record(time.GetUtcNow(), kind, detail);
    }

    static string DialStatusOf(IReadOnlyList<EmulatedCall> children)
    {
        if (children.Count == 0) return CallStatus.Failed;
        var statuses = children.Select(c => { lock (c.Gate) return c.Status; }).ToList();
        return statuses.All(s => s == statuses[0]) ? statuses[0] : CallStatus.NoAnswer;
    }

    /// <summary>Fetches TwiML (or takes it inline); on failure tries the FallbackUrl, then gives an empty document (hang up).</summary>
    async Task<IReadOnlyList<TwimlVerb>> LoadAsync(EmulatedCall call, TwimlSource source, string kind,
        IReadOnlyList<KeyValuePair<string, string>> extra, CancellationToken token)
    {
        if (source.Url is null) return ParseOrEnd(call, source.Twiml ?? "", null) ?? [];
        var verbs = await FetchAsync(call, source.Url, source.Method, kind, extra, token);
        if (verbs is null && kind == "answer" && call.Request.FallbackUrl is { } fallback)
            verbs = await FetchAsync(call, fallback, call.Request.FallbackMethod, "fallback", extra, token);
        return verbs ?? [];
    }

    async Task<IReadOnlyList<TwimlVerb>?> FetchAsync(EmulatedCall call, string url, string method, string kind,
        IReadOnlyList<KeyValuePair<string, string>> extra, CancellationToken token)
    {
        string status;
        lock (call.Gate) status = call.Status;
        var hook = webhooks.Prepare(call.Sid, kind, url, method, [.. VoiceParameters(call, status), .. extra], emulator.AuthToken);
        call.Record(time.GetUtcNow(), "webhook", $"{kind} {method} {hook.Url}");
        var response = await webhooks.SendAsync(hook, token);
        string? problem = response switch
        {
            null => hook.Error ?? "11200: no response",
            { Status: < 200 or > 299 } => $"11200: HTTP {response.Status}",
            { TooLarge: true } => "11750: TwiML response body larger than 64 kB",
            { ContentType: "text/xml" or "application/xml" or "text/html" } => null,
            { ContentType: "text/plain" } => null,
            _ => $"12300: invalid Content-Type {response.ContentType}",
        };
        if (problem is not null)
        {
            call.Record(time.GetUtcNow(), "error", problem);
            return null;
        }
        return response!.ContentType == "text/plain"
            ? [new TwimlVerb.Say(response.Body, null, null, 1), new TwimlVerb.Hangup()]
            : ParseOrEnd(call, response.Body, new Uri(url));
    }

    IReadOnlyList<TwimlVerb>? ParseOrEnd(EmulatedCall call, string xml, Uri? documentUrl)
    {
        try
        {
            return TwimlParser.Parse(xml, documentUrl);
        }
        catch (TwimlException ex)
        {
            call.Record(time.GetUtcNow(), "error", $"{ex.Code}: {ex.Message}");
            return null;
        }
    }

    void SetStatus(EmulatedCall call, string status)
    {
        var now = time.GetUtcNow();
        lock (call.Gate)
        {
            call.Status = status;
            call.Updated = now;
        }
        call.Record(now, status);
    }

    static void Stop(EmulatedCall call, string how)
    {
        lock (call.Gate)
        {
            if (CallStatus.IsFinal(call.Status)) return;
            call.StopRequestedAs ??= how;
        }
        call.Hangup.Cancel();
    }

    void End(EmulatedCall call, string status, int sipResponseCode)
    {
        var now = time.GetUtcNow();
        lock (call.Gate)
        {
            if (CallStatus.IsFinal(call.Status)) return;
            call.Status = status;
            call.Ended = call.Updated = now;
            if (call.Answered is { } answered) call.Duration = (int)Math.Round((now - answered).TotalSeconds);
        }
        call.Record(now, status, $"SIP {sipResponseCode}");
        int duration;
        lock (call.Gate) duration = call.Duration ?? 0;
        List<KeyValuePair<string, string>> terminal =
        [
            new("CallDuration", duration.ToString(CultureInfo.InvariantCulture)),
            new("SipResponseCode", sipResponseCode.ToString(CultureInfo.InvariantCulture)),
        ];
        if (status == CallStatus.Completed) terminal.Add(new("Duration", ((duration + 59) / 60).ToString(CultureInfo.InvariantCulture)));
        Callback(call, "completed", status, terminal);
        Func<Task>? held;
        lock (call.Gate)
        {
            held = call.HeldCallback;
            call.HeldCallback = null;
        }
        if (held is not null) Chain(call, held);
    }

    /// <summary>The parameters of every voice request (docs/twilio-reference.md §2.3, §7.3.18).</summary>
    static List<KeyValuePair<string, string>> VoiceParameters(EmulatedCall call, string callStatus)
    {
        var to = call.Request.To;
        var from = call.Request.From;
        List<KeyValuePair<string, string>> p =
        [
            new("AccountSid", call.AccountSid), new("ApiVersion", CallResource.ApiVersionValue), new("CallSid", call.Sid),
            new("CallStatus", callStatus), new("Called", to), new("Caller", from), new("Direction", call.Direction),
            new("From", from), new("To", to),
        ];
        foreach (var (prefix, number) in new[] { ("Called", to), ("Caller", from), ("From", from), ("To", to) })
        {
            p.Add(new(prefix + "City", ""));
            p.Add(new(prefix + "Country", Country(number)));
            p.Add(new(prefix + "State", ""));
            p.Add(new(prefix + "Zip", ""));
        }
        if (call.ParentCallSid is not null) p.Add(new("ParentCallSid", call.ParentCallSid));
        return p;
    }

    static string Country(string number) =>
        number.StartsWith("+39", StringComparison.Ordinal) ? "IT" : number.StartsWith("+1", StringComparison.Ordinal) ? "US" : "";

    /// <summary>
    /// Fires a status callback if the call subscribed to the event: SequenceNumber counts the callbacks fired for this
    /// call from 0, then the callback faults decide how (and whether) it travels.
    /// </summary>
    void Callback(EmulatedCall call, string @event, string callStatus, IReadOnlyList<KeyValuePair<string, string>>? terminal = null)
    {
        var request = call.Request;
        if (request.StatusCallback is null || !request.StatusCallbackEvents.Contains(@event)) return;
        var parameters = VoiceParameters(call, callStatus);
        parameters.Add(new("CallbackSource", "call-progress-events"));
        parameters.Add(new("SequenceNumber", call.NextSequenceNumber().ToString(CultureInfo.InvariantCulture)));
        parameters.Add(new("Timestamp", CallResource.Rfc2822(time.GetUtcNow())));
        lock (call.Gate)
            if (call.AnsweredBy is not null) parameters.Add(new("AnsweredBy", call.AnsweredBy));
        if (terminal is not null) parameters.AddRange(terminal);
        var hook = webhooks.Prepare(call.Sid, "status-callback", request.StatusCallback, request.StatusCallbackMethod, parameters, emulator.AuthToken);
        call.Record(time.GetUtcNow(), "status-callback", $"{@event} #{hook.Parameter("SequenceNumber")}");

        var faults = emulator.CallbackFaults;
        double Roll() { lock (call.Gate) return call.FaultRandom.NextDouble(); }
        var drop = Roll() < faults.Drop;
        var duplicate = Roll() < faults.Duplicate;
        var delay = Roll() < faults.Delay;
        var reorder = Roll() < faults.Reorder && @event != "completed";
        Func<Task> send = async () =>
        {
            await webhooks.SendAsync(hook, CancellationToken.None);
            if (duplicate) await webhooks.SendAsync(hook, CancellationToken.None);
        };
        if (drop)
        {
            hook.Delivery = "dropped";
            return;
        }
        if (duplicate) hook.Delivery = "duplicated";
        if (delay)
        {
            hook.Delivery = "delayed";
            _ = Task.Delay(TimeSpan.FromSeconds(faults.DelaySeconds), time).ContinueWith(_ => send(), TaskScheduler.Default).Unwrap();
            return;
        }
        if (reorder)
        {
            lock (call.Gate)
            {
                if (call.HeldCallback is null)
                {
                    hook.Delivery = "reordered";
                    call.HeldCallback = send;
                    return;
                }
            }
        }
        Chain(call, send);
        Func<Task>? held;
        lock (call.Gate)
        {
            held = call.HeldCallback;
            call.HeldCallback = null;
        }
        if (held is not null) Chain(call, held);
    }

    static void Chain(EmulatedCall call, Func<Task> send)
    {
        lock (call.Gate) call.CallbackChain = call.CallbackChain.ContinueWith(_ => send(), TaskScheduler.Default).Unwrap();
    }

    static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
