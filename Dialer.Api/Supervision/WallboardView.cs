using System.Text.Json;
using Dialer.Api.Pages.Console;
using Dialer.Core;
using Dialer.Core.Operators;
using Dialer.Core.Supervision;

namespace Dialer.Api.Supervision;

/// <summary>A tile: its figure as read (<c>1.240</c>, <c>88,2%</c>), its words, a detail line; <see cref="Alert"/> when the figure is beyond its target.</summary>
public sealed record WallboardTile(string Key, string Value, string Label, string? Detail = null, bool Alert = false);

/// <summary>An operator's row: state in words (pause reason included), since when, and for how long at <see cref="WallboardView.At"/>.</summary>
public sealed record WallboardOperatorRow(string Identity, string Name, string State, string StateText, DateTimeOffset Since, long SecondsInState,
    string InState, string? Campaign);

/// <summary>A campaign's row, each figure as read.</summary>
public sealed record WallboardCampaignRow(string Slug, string Name, bool Active, string Ready, string Waiting, string Ringing, string Connected,
    string AnswerRate, string AbandonRate, bool OverTarget);

/// <summary>The raw figures, for scripts: the same counts the tiles show, as numbers.</summary>
public sealed record WallboardFigures(int Available, int Reserved, int OnCall, int WrapUp, int Paused, long Ringing, long Connected, long Ready,
    long Waiting, WallboardToday Today, WallboardCps Cps);

/// <summary>
/// The wallboard as a supervisor reads it, in the reader's language (<see cref="Text.T"/>), numbers it-IT: what
/// GET /api/wallboard returns, what each event of /api/wallboard/events carries, and what the page renders
/// (docs/supervision.md "Situazione in tempo reale"). The page's script only puts these texts in place.
/// </summary>
public sealed record WallboardView(DateTimeOffset At, string Updated, WallboardFigures Figures, IReadOnlyList<WallboardTile> Tiles,
    IReadOnlyList<WallboardOperatorRow> Operators, IReadOnlyList<WallboardCampaignRow> Campaigns, string Announcement)
{
    /// <summary>The JSON of the API and the event stream (camelCase; enums as snake_case text, as the API's).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static WallboardView From(WallboardSnapshot s)
    {
        var today = s.Today;
        var figures = new WallboardFigures(s.OperatorsIn(PresenceState.Available), s.OperatorsIn(PresenceState.Reserved),
            s.OperatorsIn(PresenceState.OnCall), s.OperatorsIn(PresenceState.WrapUp), s.OperatorsIn(PresenceState.Paused), s.Ringing, s.Connected,
            s.Ready, s.Waiting, today, s.Cps);
        var target = Target(today.AbandonTarget);
        var tiles = new List<WallboardTile>
        {
            new("available", Number(figures.Available), Text.T("Operatori disponibili", "Operators available")),
            new("on_call", Number(figures.OnCall), Text.T("In chiamata", "On a call")),
            new("wrap_up", Number(figures.WrapUp), Text.T("In post-chiamata", "In wrap-up")),
            new("paused", Number(figures.Paused), Text.T("In pausa", "Paused")),
            new("ringing", Number(s.Ringing), Text.T("Chiamate che squillano", "Calls ringing")),
            new("connected", Number(s.Connected), Text.T("Chiamate in linea", "Calls connected")),
            new("ready", Number(s.Ready), Text.T("In coda", "In the queue"), Text.T("persone da chiamare ora", "people to call now")),
            new("waiting", Number(s.Waiting), Text.T("Da chiamare più tardi", "To call later"),
                Text.T("in attesa di un orario o di un nuovo tentativo", "waiting for a time or a retry")),
            new("answer_rate", Rate(today.AnswerRate), Text.T("Risposta oggi", "Answered today"), today.Dialed == 0
                ? Text.T("nessuna chiamata oggi", "no calls today")
                : Text.T($"{Number(today.Answered)} su {Number(today.Dialed)} chiamate", $"{Number(today.Answered)} of {Number(today.Dialed)} calls")),
            new("abandoned", Rate(today.AbandonRate), Text.T("Chiamate abbandonate", "Abandoned calls"), today.OverTarget
                ? Text.T($"oltre l'obiettivo del {target}", $"above the {target} target")
                : Text.T($"su obiettivo {target}", $"against a {target} target"), today.OverTarget),
            new("cps", s.Cps.InUse.ToString("0.#", ItalianFormat.Culture), Text.T("Chiamate al secondo", "Calls per second"),
                Text.T($"su {Decimal(s.Cps.Budget)} consentite", $"of {Decimal(s.Cps.Budget)} allowed")),
        };
        var operators = s.Operators.Select(o =>
        {
            var elapsed = s.InState(o);
            var state = o.PauseReasonLabel is { } reason ? $"{o.StateLabel} ({reason})" : o.StateLabel;
            return new WallboardOperatorRow(o.Identity, o.Name, SnakeCase.Of(o.State), state, o.Since, (long)elapsed.TotalSeconds,
                Labels.Since(elapsed), o.Campaign);
        }).ToList();
        var campaigns = s.Campaigns.Select(c => new WallboardCampaignRow(c.Slug, c.Name, c.Active, Number(c.Ready), Number(c.Waiting),
            Number(c.Ringing), Number(c.Connected), Rate(c.Dialed == 0 ? null : (double)c.Answered / c.Dialed), Rate(c.AbandonRate),
            c.AbandonRate > today.AbandonTarget)).ToList();
        var abandoned = today.AbandonRate is null ? "" : Text.T($", abbandonate {Rate(today.AbandonRate)}", $", abandoned {Rate(today.AbandonRate)}");
        var announcement = Text.T(
            $"Disponibili {figures.Available}, in chiamata {figures.OnCall}, in pausa {figures.Paused}, in coda {Number(s.Ready)}{abandoned}.",
            $"Available {figures.Available}, on a call {figures.OnCall}, paused {figures.Paused}, in the queue {Number(s.Ready)}{abandoned}.");
        var updated = ItalianFormat.Local(s.At).ToString("HH:mm:ss", ItalianFormat.Culture);
        return new WallboardView(s.At, updated, figures, tiles, operators, campaigns, announcement);
    }

    static string Number(long n) => ItalianFormat.Number(n);

    static string Decimal(double d) => d.ToString("0.##", ItalianFormat.Culture);

    /// <summary>"88,2%"; a dash when there is nothing to divide by yet.</summary>
    static string Rate(double? share) => share is { } s ? ItalianFormat.Percent(s) : "–";

    /// <summary>The target as people say it: "3%", "2,5%".</summary>
    static string Target(double share) => (share * 100).ToString("0.##", ItalianFormat.Culture) + "%";
}
