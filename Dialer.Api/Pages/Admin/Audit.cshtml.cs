using System.Globalization;
using Dialer.Api.Audit;
using Dialer.Api.Security;
using Dialer.Core;
using Dialer.Core.Audit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Dialer.Api.Pages.Admin;

/// <summary>
/// The audit log for admins (docs/audit.md): filters in the query string (GET, so a filtered view can be bookmarked),
/// a page of 50 rows newest first with links to the newer and older pages, and the same rows as CSV (the export is audited).
/// </summary>
[Authorize(Policy = Roles.Admin)]
public sealed class AuditModel(AuditLog audit, IOptions<AuditOptions> options, TimeProvider time) : PageModel
{
    public const int PageSize = 50;

    static readonly CultureInfo Italian = CultureInfo.GetCultureInfo("it-IT");

    [BindProperty(SupportsGet = true, Name = "dal")]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true, Name = "al")]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true, Name = "utente")]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true, Name = "azione")]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true, Name = "cf")]
    public string? PersonCf { get; set; }

    [BindProperty(SupportsGet = true, Name = "prima")]
    public long? Before { get; set; }

    [BindProperty(SupportsGet = true, Name = "dopo")]
    public long? After { get; set; }

    public AuditPage Entries { get; private set; } = new([], null, null);

    /// <summary>Problems with the filters, by the name of their field (dal, al, utente, azione, cf).</summary>
    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();

    public int RetentionDays => options.Value.RetentionDays;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var (query, errors) = Filters.Parse(From, To, Actor, Action, PersonCf);
        Errors = errors;
        if (query is null) return;
        // A cursor that is not a number (a hand-edited link) binds as none; with both, the older page wins.
        Entries = await audit.PageAsync(query with { Before = Before, After = Before is null ? After : null, PageSize = PageSize }, ct);
    }

    /// <summary>Every row that matches the filters as CSV; the export is itself recorded, with the filters it used.</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        var (query, errors) = Filters.Parse(From, To, Actor, Action, PersonCf);
        if (query is null)
        {
            Errors = errors;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        await audit.RecordAsync(HttpContext.AuditEntry(AuditActions.AuditExported, query.PersonCf,
            detail: new { dal = From, al = To, utente = query.Actor, azione = query.Action }), ct);
        var stamp = TimeZoneInfo.ConvertTime(time.GetUtcNow(), ItalianTime.Rome).ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture);
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"registro-attivita-{stamp}.csv\"";
        await audit.ExportCsvAsync(query, Response.Body, ct);
        return new EmptyResult();
    }

    /// <summary>The query string of this page with the current filters and the given cursor (or the CSV handler).</summary>
    public string? Link(long? before = null, long? after = null, string? handler = null) =>
        Url.Page("/Admin/Audit", handler, new { dal = From, al = To, utente = Actor, azione = Action, cf = PersonCf, prima = before, dopo = after });

    public static string RoleLabel(string role) => role switch
    {
        Roles.Operator => Text.T("operatore", "operator"),
        Roles.Supervisor => Text.T("supervisore", "supervisor"),
        Roles.Admin => Text.T("amministratore", "administrator"),
        _ => role,
    };

    public static string When(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, ItalianTime.Rome).ToString("dd/MM/yyyy HH:mm:ss", Italian);

    /// <summary>The form's fields as an <see cref="AuditQuery"/>, or the Italian message of each field that is wrong.</summary>
    public static class Filters
    {
        static readonly string[] DateFormats = ["yyyy-MM-dd", "dd/MM/yyyy", "d/M/yyyy"];

        /// <summary>
        /// Dates are days in Europe/Rome: <paramref name="from"/> from its midnight, <paramref name="to"/> up to the
        /// midnight that ends it (both days included).
        /// </summary>
        public static (AuditQuery? Query, IReadOnlyDictionary<string, string> Errors) Parse(string? from, string? to, string? actor, string? action, string? personCf)
        {
            var errors = new Dictionary<string, string>();
            var fromDay = Day(from, "dal", Text.T("Dal", "From"), errors);
            var toDay = Day(to, "al", Text.T("Al", "To"), errors);
            if (fromDay is { } f && toDay is { } t && f > t) errors["al"] = Text.T("Al: la data di fine è precedente a quella di inizio.", "To: the end date is before the start date.");
            var act = string.IsNullOrWhiteSpace(action) ? null : action.Trim();
            if (act is not null && AuditActions.All.All(a => a.Action != act)) errors["azione"] = Text.T("Azione: scegliere un'azione dall'elenco.", "Action: choose an action from the list.");
            var cf = string.IsNullOrWhiteSpace(personCf) ? null : personCf.Trim().ToUpperInvariant();
            if (cf is not null && (cf.Length != 16 || !cf.All(char.IsAsciiLetterOrDigit)))
                errors["cf"] = Text.T("Codice fiscale: 16 lettere e cifre, per esempio RSSMRA80A01F205X.", "Codice fiscale: 16 letters and digits, for example RSSMRA80A01F205X.");
            if (actor is { Length: > 200 }) errors["utente"] = Text.T("Utente: al massimo 200 caratteri.", "User: at most 200 characters.");
            if (errors.Count > 0) return (null, errors);
            return (new AuditQuery
            {
                From = fromDay is { } start ? Midnight(start) : null,
                To = toDay is { } end ? Midnight(end.AddDays(1)) : null,
                Actor = string.IsNullOrWhiteSpace(actor) ? null : actor.Trim(),
                Action = act,
                PersonCf = cf,
            }, errors);
        }

        static DateOnly? Day(string? value, string field, string label, Dictionary<string, string> errors)
        {
            if (string.IsNullOrWhiteSpace(value)) return null;
            if (DateOnly.TryParseExact(value.Trim(), DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
            errors[field] = Text.T($"{label}: \"{value.Trim()}\" non è una data (gg/mm/aaaa).", $"{label}: \"{value.Trim()}\" is not a date (dd/mm/yyyy).");
            return null;
        }

        // Midnight in Rome is never inside a daylight-saving change (those happen at 02:00 and 03:00).
        static DateTimeOffset Midnight(DateOnly day) =>
            new(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), ItalianTime.Rome), TimeSpan.Zero);
    }
}
