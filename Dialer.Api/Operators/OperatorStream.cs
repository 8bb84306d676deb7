using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Dialer.Api.Pages.Console;
using Dialer.Core;
using Dialer.Core.Dialing;
using Dialer.Core.Operators;
using Dialer.Core.Outcomes;
using MassTransit;

namespace Dialer.Api.Operators;

/// <summary>
/// One message of an operator's event stream (docs/operators.md "Operator event stream"): the SSE event name, and the
/// data as JSON (camelCase, absent fields left out). <see cref="Announcement"/> is the sentence the page's live region
/// reads, in Italian; <see cref="EnglishAnnouncement"/> the same in English, which the stream of an operator who reads
/// English sends as its announcement instead (<see cref="ToJson"/>).
/// </summary>
public sealed record OperatorStreamEvent(
    [property: JsonIgnore] string Event,
    string State,
    string Announcement,
    DateTimeOffset At,
    long? AttemptId = null,
    long? CampaignId = null,
    string? PauseReason = null,
    bool? PauseAfterCall = null,
    DateTimeOffset? Since = null,
    string? Outcome = null,
    bool? Abandoned = null,
    string? Code = null,
    DateTimeOffset? CallbackAt = null,
    string? Cpi = null,
    DateTimeOffset? AppointmentAt = null,
    string? Channel = null,
    [property: JsonIgnore] string? EnglishAnnouncement = null)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The SSE data line: this event as JSON, its announcement in English when <paramref name="english"/>.</summary>
    public string ToJson(bool english = false) =>
        JsonSerializer.Serialize(english && EnglishAnnouncement is { } announcement ? this with { Announcement = announcement } : this, Json);
}

/// <summary>
/// The open event streams of this API process, per operator identity. Each connection has its own bounded channel that
/// drops its oldest event when full, so a slow or stalled browser never blocks the bus consumer or another operator.
/// Operator ids in the dialing events are mapped to identities once (an identity never changes for an id).
/// </summary>
public sealed class OperatorStreamHub(NpgsqlDataSource db)
{
    /// <summary>Events waiting for one connection: a browser that is this far behind has lost the thread anyway.</summary>
    public const int ConnectionCapacity = 64;

    readonly ConcurrentDictionary<string, ConcurrentDictionary<OperatorStreamConnection, byte>> streams = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<long, string> identities = new();
    int open;

    /// <summary>How many streams are open in this process.</summary>
    public int OpenCount => Volatile.Read(ref open);

    /// <summary>Opens a stream for the operator; disposing it closes it.</summary>
    public OperatorStreamConnection Open(string identity)
    {
        var connection = new OperatorStreamConnection(this, identity);
        streams.GetOrAdd(identity, _ => new()).TryAdd(connection, 0);
        Interlocked.Increment(ref open);
        return connection;
    }

    /// <summary>Hands the event to every open stream of the operator; never waits.</summary>
    public void Push(string identity, OperatorStreamEvent item)
    {
        if (!streams.TryGetValue(identity, out var connections)) return;
        foreach (var connection in connections.Keys) connection.Offer(item);
    }

    /// <summary>Hands the event to the streams of the operator with this id, if any stream is open at all.</summary>
    public async Task PushAsync(long? operatorId, OperatorStreamEvent item, CancellationToken ct)
    {
        if (operatorId is not { } id || OpenCount == 0) return;
        if (await IdentityAsync(id, ct) is { } identity) Push(identity, item);
    }

    async ValueTask<string?> IdentityAsync(long operatorId, CancellationToken ct)
    {
        if (identities.TryGetValue(operatorId, out var known)) return known;
        await using var conn = await db.OpenConnectionAsync(ct);
        var identity = await conn.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT identity FROM operators WHERE id = @operatorId", new { operatorId }, cancellationToken: ct));
        if (identity is not null) identities.TryAdd(operatorId, identity);
        return identity;
    }

    internal void Close(OperatorStreamConnection connection)
    {
        if (streams.TryGetValue(connection.Identity, out var connections) && connections.TryRemove(connection, out _))
            Interlocked.Decrement(ref open);
    }
}

/// <summary>One open event stream: the events for it, in order, oldest dropped when it falls behind.</summary>
public sealed class OperatorStreamConnection : IDisposable
{
    readonly OperatorStreamHub hub;
    readonly Channel<OperatorStreamEvent> channel = Channel.CreateBounded<OperatorStreamEvent>(new BoundedChannelOptions(OperatorStreamHub.ConnectionCapacity)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
        SingleWriter = false,
    });

    internal OperatorStreamConnection(OperatorStreamHub hub, string identity)
    {
        this.hub = hub;
        Identity = identity;
    }

    public string Identity { get; }

    public ChannelReader<OperatorStreamEvent> Events => channel.Reader;

    // DropOldest: TryWrite always succeeds at once while the channel is open.
    internal void Offer(OperatorStreamEvent item) => channel.Writer.TryWrite(item);

    public void Dispose()
    {
        hub.Close(this);
        channel.Writer.TryComplete();
    }
}

/// <summary>
/// The dialing and presence events, turned into operator stream events in the API process. Registered on a temporary
/// endpoint of its own per process (<see cref="OperatorStreamRegistration.AddOperatorStreamConsumers"/>), so that with
/// RabbitMQ every API replica hears every event and serves the operators connected to it.
/// </summary>
public sealed class OperatorStreamConsumer(OperatorStreamHub hub) :
    IConsumer<OperatorPresenceChanged>, IConsumer<CallPlaced>, IConsumer<CallAnswered>, IConsumer<CallCompleted>,
    IConsumer<DispositionRecorded>, IConsumer<IntakeAccepted>
{
    public Task Consume(ConsumeContext<OperatorPresenceChanged> context)
    {
        var m = context.Message;
        hub.Push(m.Identity, OperatorStreamEvents.Presence(m));
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<CallPlaced> context) =>
        hub.PushAsync(context.Message.OperatorId, OperatorStreamEvents.Ringing(context.Message), context.CancellationToken);

    public Task Consume(ConsumeContext<CallAnswered> context) =>
        hub.PushAsync(context.Message.OperatorId, OperatorStreamEvents.Connected(context.Message), context.CancellationToken);

    public Task Consume(ConsumeContext<CallCompleted> context) =>
        hub.PushAsync(context.Message.OperatorId, OperatorStreamEvents.Ended(context.Message), context.CancellationToken);

    public Task Consume(ConsumeContext<DispositionRecorded> context) =>
        hub.PushAsync(context.Message.OperatorId, OperatorStreamEvents.Disposed(context.Message), context.CancellationToken);

    public Task Consume(ConsumeContext<IntakeAccepted> context) =>
        hub.PushAsync(context.Message.OperatorId, OperatorStreamEvents.Appointment(context.Message), context.CancellationToken);
}

/// <summary>
/// The event names, states and announcements of the operator stream (docs/operators.md), in both languages. The events
/// are built in the bus consumer, outside any user's request, so each is built once in Italian and once in English
/// (<see cref="Text.Use"/> around the same code) and each stream picks the language of its operator.
/// </summary>
public static class OperatorStreamEvents
{
    public static OperatorStreamEvent Presence(OperatorPresenceChanged m) => InBothLanguages(() =>
    {
        var state = SnakeCase.TryParse<PresenceState>(m.State, out var s) ? Labels.Presence(s) : m.State;
        var reason = SnakeCase.TryParse<PauseReason>(m.PauseReason, out var r) ? $" ({PauseReasons.Label(r)})" : "";
        var after = m.PauseAfterCall ? Text.T(". Pausa dopo questa chiamata", ". Pause after this call") : "";
        return new("presence", m.State, $"{Text.T("Stato", "Status")}: {state}{reason}{after}", m.At, PauseReason: m.PauseReason,
            PauseAfterCall: m.PauseAfterCall, Since: m.Since);
    });

    public static OperatorStreamEvent Ringing(CallPlaced m) => InBothLanguages(() =>
        new("ringing", "ringing", Text.T("Sto chiamando…", "Calling…"), m.At, m.AttemptId, m.CampaignId));

    public static OperatorStreamEvent Connected(CallAnswered m) => InBothLanguages(() =>
        new("connected", "connected", Text.T("Persona in linea", "Person on the line"), m.At, m.AttemptId, m.CampaignId));

    public static OperatorStreamEvent Ended(CallCompleted m) => InBothLanguages(() =>
    {
        var why = m.Abandoned ? Text.T("chiamata abbandonata", "call abandoned") : m.Outcome switch
        {
            "answered" => null,
            "no_answer" => Text.T("nessuna risposta", "no answer"),
            "busy" => Text.T("occupato", "busy"),
            "machine" => Text.T("segreteria telefonica", "answering machine"),
            "failed" => Text.T("chiamata non riuscita", "call failed"),
            "canceled" => Text.T("chiamata annullata", "call cancelled"),
            "not_placed" => Text.T("chiamata non partita", "call not placed"),
            _ => null,
        };
        var ended = Text.T("Chiamata terminata", "Call ended");
        return new("ended", "ended", why is null ? ended : $"{ended}: {why}", m.At, m.AttemptId, m.CampaignId,
            Outcome: m.Outcome, Abandoned: m.Abandoned);
    });

    public static OperatorStreamEvent Disposed(DispositionRecorded m) => InBothLanguages(() =>
        new("disposed", "disposed", Text.T("Esito salvato", "Outcome saved"), m.At, m.AttemptId, m.CampaignId, Code: m.Code, CallbackAt: m.CallbackAt));

    public static OperatorStreamEvent Appointment(IntakeAccepted m) => InBothLanguages(() =>
        new("appointment", "disposed", Text.T("Appuntamento fissato", "Appointment booked"), m.At, m.AttemptId, m.CampaignId,
            Code: DispositionCatalogue.IntakeAccepted, Cpi: m.CpiCode, AppointmentAt: m.AppointmentAt, Channel: m.Channel));

    /// <summary>The event built in Italian, with the announcement of the same event built in English; the caller's language stays.</summary>
    static OperatorStreamEvent InBothLanguages(Func<OperatorStreamEvent> build)
    {
        var language = Text.Language;
        try
        {
            Text.Use("en");
            var english = build().Announcement;
            Text.Use("it");
            return build() with { EnglishAnnouncement = english };
        }
        finally
        {
            Text.Use(language);
        }
    }
}

public static class OperatorStreamRegistration
{
    /// <summary>The hub of this process's open operator streams.</summary>
    public static IServiceCollection AddOperatorStream(this IServiceCollection services) => services.AddSingleton<OperatorStreamHub>();

    /// <summary>
    /// The stream's consumer on a temporary endpoint (non-durable, deleted when the process stops) whose name is unique
    /// to this process: each API replica gets its own copy of every event, instead of competing for them.
    /// </summary>
    public static void AddOperatorStreamConsumers(this IBusRegistrationConfigurator bus)
    {
        var instance = Guid.NewGuid().ToString("N", System.Globalization.CultureInfo.InvariantCulture);
        bus.AddConsumer<OperatorStreamConsumer>().Endpoint(e =>
        {
            e.Temporary = true;
            e.InstanceId = instance;
        });
    }
}
