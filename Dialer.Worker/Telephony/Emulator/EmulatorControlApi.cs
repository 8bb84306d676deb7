using System.Text.Json.Serialization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Worker.Telephony.Emulator;

/// <summary>
/// The emulator's own API for tests and demos (docs/twilio-reference.md §7.4), JSON, off the Twilio namespace: calls with their timelines,
/// webhooks sent, settings (CPS, profiles, callback faults), create faults, reset and stats.
/// </summary>
static class EmulatorControlApi
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,   // "+39…", not "\u002B39…"
    };

    public static RouteGroupBuilder MapEmulatorControlApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/_emulator");

        group.MapGet("/calls", (TwilioEmulator emulator, string? parentCallSid) =>
            Ok(emulator.Calls.Select(c => c.Snapshot()).Where(c => parentCallSid is null || c.ParentCallSid == parentCallSid).ToList()));

        group.MapGet("/calls/{sid}", Results<JsonHttpResult<object>, NotFound> (TwilioEmulator emulator, string sid) =>
            emulator.Find(sid) is { } call
                ? Ok<object>(new { call = call.Snapshot(), webhooks = emulator.Webhooks.Log.Where(w => w.CallSid == sid).ToList() })
                : TypedResults.NotFound());

        group.MapGet("/webhooks", (TwilioEmulator emulator, string? callSid, string? kind) =>
            Ok(emulator.Webhooks.Log.Where(w => (callSid is null || w.CallSid == callSid) && (kind is null || w.Kind == kind)).ToList()));

        group.MapGet("/settings", (TwilioEmulator emulator) => Ok(EmulatorSettings.Of(emulator.Options)));
        group.MapPut("/settings", ConfigureAsync);

        group.MapGet("/faults", (TwilioEmulator emulator) => Ok(emulator.PendingFaults));
        group.MapPost("/faults", InjectFaultAsync);

        group.MapPost("/reset", (TwilioEmulator emulator) =>
        {
            emulator.Reset();
            return TypedResults.NoContent();
        });

        group.MapGet("/stats", (TwilioEmulator emulator) => Ok(emulator.Stats()));
        return group;
    }

    static async Task<Results<JsonHttpResult<EmulatorSettings>, BadRequest<ControlError>>> ConfigureAsync(HttpRequest request, TwilioEmulator emulator, CancellationToken ct)
    {
        try
        {
            var settings = await JsonSerializer.DeserializeAsync<EmulatorSettings>(request.Body, Json, ct)
                ?? throw new JsonException("the body must be a JSON object");
            emulator.Configure(settings.ApplyTo);
            return Ok(EmulatorSettings.Of(emulator.Options));
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            return TypedResults.BadRequest(new ControlError(ex.Message));
        }
    }

    static async Task<Results<JsonHttpResult<IReadOnlyList<CreateFault>>, BadRequest<ControlError>>> InjectFaultAsync(HttpRequest request, TwilioEmulator emulator, CancellationToken ct)
    {
        try
        {
            var fault = await JsonSerializer.DeserializeAsync<CreateFault>(request.Body, Json, ct) ?? throw new JsonException("the body must be a JSON object");
            emulator.InjectFault(fault);
            return Ok(emulator.PendingFaults);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            return TypedResults.BadRequest(new ControlError(ex.Message));
        }
    }

    static JsonHttpResult<T> Ok<T>(T value) => TypedResults.Json(value, Json);
}

sealed record ControlError(string Error);

/// <summary>The settings the control API reads and changes; absent fields stay as they are.</summary>
sealed record EmulatorSettings(
    double? CallsPerSecond, int? Seed, bool? StrictParameters, int? MaxConcurrentRequests, List<string>? OwnedNumbers,
    List<string>? GeoBlockedPrefixes, CallProfile? DefaultProfile, CallProfile? OperatorProfile, List<CallProfile>? Profiles,
    CallbackFaults? CallbackFaults)
{
    public static EmulatorSettings Of(EmulatorOptions o) => new(o.CallsPerSecond, o.Seed, o.StrictParameters, o.MaxConcurrentRequests,
        o.OwnedNumbers, o.GeoBlockedPrefixes, o.DefaultProfile, o.OperatorProfile, o.Profiles, o.CallbackFaults);

    public EmulatorOptions ApplyTo(EmulatorOptions o)
    {
        o.CallsPerSecond = CallsPerSecond ?? o.CallsPerSecond;
        o.Seed = Seed ?? o.Seed;
        o.StrictParameters = StrictParameters ?? o.StrictParameters;
        o.MaxConcurrentRequests = MaxConcurrentRequests ?? o.MaxConcurrentRequests;
        o.OwnedNumbers = OwnedNumbers ?? o.OwnedNumbers;
        o.GeoBlockedPrefixes = GeoBlockedPrefixes ?? o.GeoBlockedPrefixes;
        o.DefaultProfile = DefaultProfile ?? o.DefaultProfile;
        o.OperatorProfile = OperatorProfile ?? o.OperatorProfile;
        o.Profiles = Profiles ?? o.Profiles;
        o.CallbackFaults = CallbackFaults ?? o.CallbackFaults;
        return o;
    }
}
