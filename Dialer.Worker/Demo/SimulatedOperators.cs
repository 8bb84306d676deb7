using System.Globalization;
using System.Net;
using System.Text.Json;
using Dialer.Core.Dialing.Policy;
using Dialer.Core.Outcomes;

namespace Dialer.Worker.Demo;

/// <summary>
/// One simulated operator of the demo (docs/demo.md "The simulated operators"): signs in with her account and works the
/// queue through the same HTTP API the console uses, never touching the database. She becomes available, listens to her
/// event stream, opens the screen pop when a person is on the line, and in wrap-up records what the person said (a
/// call-back, an intake with the first free slot at the CPI, a refusal…) after the model's wrap-up time.
/// </summary>
public sealed class SimulatedOperator(string identity, string password, Uri api, SimulatedPeople people, BehaviourModel model,
    TimeProvider clock, Func<string, string> cpiOf, int seed)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    readonly Random random = new(SimulatedPeople.StableHash(seed, "operator", identity));
    readonly System.Threading.Channels.Channel<(string Event, JsonElement Data)> events =
        System.Threading.Channels.Channel.CreateUnbounded<(string, JsonElement)>(new() { SingleReader = true });
    HttpClient http = null!;
    long? current;
    long disposed;

    public string Identity { get; } = identity;
    public int Dispositions { get; private set; }
    public int Refused { get; private set; }
    public string? LastProblem { get; private set; }

    /// <summary>Works until <paramref name="ct"/> is cancelled; then signs out.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var handler = new SocketsHttpHandler { CookieContainer = new CookieContainer(), PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = api, Timeout = Timeout.InfiniteTimeSpan };
        http = client;
        await SignInAsync(ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var listening = ListenAsync(stop.Token);
        try
        {
            await LookAsync(ct);
            while (!ct.IsCancellationRequested)
            {
                // She acts on her event stream, as the console does; a look at her presence every 5 s anyway, in case
                // an event was lost (a stream that reconnected).
                using var look = CancellationTokenSource.CreateLinkedTokenSource(ct);
                look.CancelAfter(TimeSpan.FromSeconds(5));
                try
                {
                    var (name, data) = await events.Reader.ReadAsync(look.Token);
                    await OnEventAsync(name, data, ct);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await LookAsync(ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            await stop.CancelAsync();
            // Off the floor at the end of the shift.
            using (await http.PostAsync("/api/me/sign-out", null, CancellationToken.None)) { }
            try
            {
                await listening;
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
            }
        }
    }

    async Task SignInAsync(CancellationToken ct)
    {
        await DemoScenario.SessionSignInAsync(http, Identity, password, ct);
        await PostAsync("/api/me/sign-in", null, ct);
    }

    /// <summary>What each event of her stream makes her do (docs/operators.md "Operator event stream").</summary>
    async Task OnEventAsync(string name, JsonElement data, CancellationToken ct)
    {
        var attempt = data.TryGetProperty("attemptId", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetInt64() : (long?)null;
        switch (name)
        {
            case "ringing":
                current = attempt;
                break;
            case "connected" when attempt is { } call:
                // The screen pop, as the console shows it: who is on the line.
                current = call;
                using (await http.GetAsync($"/api/calls/{call}", ct)) { }
                break;
            case "presence":
                var state = data.TryGetProperty("state", out var st) ? st.GetString() : null;
                if (state is "wrap_up" && current is { } owed) await WrapUpAsync(owed, ct);
                else if (state is "signed_out" or "paused") await LookAsync(ct);
                break;
        }
    }

    /// <summary>A look at her presence (at start, and when an event may have been missed): become available, or record the outcome owed.</summary>
    async Task LookAsync(CancellationToken ct)
    {
        var me = await http.GetFromJsonAsync<JsonElement>("/api/me", Json, ct);
        var presence = me.GetProperty("presence");
        var state = presence.GetProperty("state").GetString();
        var attempt = presence.TryGetProperty("attemptId", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetInt64() : (long?)null;
        if (presence.TryGetProperty("dispositionOwed", out var o) && o.GetBoolean() && attempt is { } id)
        {
            await WrapUpAsync(id, ct);
            return;
        }
        if (state == "signed_out") await PostAsync("/api/me/sign-in", null, ct);
        if (state is "signed_out" or "paused") await PostAsync("/api/me/available", null, ct);
    }

    async Task WrapUpAsync(long attemptId, CancellationToken ct)
    {
        if (attemptId == disposed) return;
        var answer = people.Answer(attemptId) ?? Improvised();
        await Task.Delay(Seconds(model.Conversation.WrapUpSeconds.Value), clock, ct);
        var disposition = answer.Code switch
        {
            DispositionCatalogue.IntakeAccepted => new DispositionRequest(answer.Code,
                Appointment: new AppointmentRequest(cpiOf(answer.Comune), await FirstFreeSlotAsync(cpiOf(answer.Comune), ct), "in_person",
                    answer.ReminderConsent, PrivacyNoticeGiven: true)),
            DispositionCatalogue.CallBack => new DispositionRequest(answer.Code, Callback: new CallbackRequest(answer.CallBackAt, "team")),
            _ => new DispositionRequest(answer.Code, answer.RefusalReason),
        };
        using var response = await http.PostAsJsonAsync($"/api/calls/{attemptId}/disposition", disposition, ct);
        if (response.IsSuccessStatusCode)
        {
            disposed = attemptId;
            Dispositions++;
            people.Recorded(attemptId, answer.Code, disposition.Appointment?.At);
        }
        else
        {
            Refused++;
            LastProblem = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}";
            people.NotRecorded(attemptId, answer.Code);
            // Nothing else she can do for this call: the wrap-up limit will pause her and the next turn tries again.
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    /// <summary>A call outside the simulation (another campaign): the operator records what such a person says most often.</summary>
    PersonAnswer Improvised() => random.NextDouble() < model.Outcome.Intake.Value
        ? new PersonAnswer(DispositionCatalogue.IntakeAccepted, null, null, "F205", true)
        : new PersonAnswer(DispositionCatalogue.Refused, "not_interested", null, "F205", false);

    /// <summary>The first slot with room at the CPI, from the second working day on, as the outcome form offers them.</summary>
    async Task<string?> FirstFreeSlotAsync(string cpi, CancellationToken ct)
    {
        var day = SimulatedPeople.NextWorkingDay(SimulatedPeople.NextWorkingDay(CallingCalendar.LocalDate(clock.GetUtcNow())));
        for (var i = 0; i < 60; i++, day = SimulatedPeople.NextWorkingDay(day))
        {
            var slots = await http.GetFromJsonAsync<CpiDay>($"/api/cpis/{Uri.EscapeDataString(cpi)}/slots?date={day:yyyy-MM-dd}", Json, ct);
            if (slots?.Slots.FirstOrDefault(s => s.Booked < s.Capacity) is { } free)
                return CallingCalendar.ToLocal(free.StartsAt).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
        }
        return null;
    }

    async Task PostAsync(string path, HttpContent? body, CancellationToken ct)
    {
        using var response = await http.PostAsync(path, body, ct);
        if (!response.IsSuccessStatusCode) LastProblem = $"{path}: {(int)response.StatusCode}";
    }

    /// <summary>Her event stream (/api/me/events), read into her queue of events.</summary>
    async Task ListenAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var response = await http.GetAsync("/api/me/events", HttpCompletionOption.ResponseHeadersRead, ct);
                response.EnsureSuccessStatusCode();
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
                string? name = null;
                while (await reader.ReadLineAsync(ct) is { } line)
                {
                    if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
                    else if (name is not null && line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        events.Writer.TryWrite((name, JsonDocument.Parse(line[6..]).RootElement.Clone()));
                        name = null;
                    }
                }
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }

    TimeSpan Seconds(double[] range) => TimeSpan.FromSeconds(range[0] + random.NextDouble() * (range[1] - range[0]));
}
