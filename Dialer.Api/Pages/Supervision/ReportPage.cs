using System.Globalization;
using Dialer.Api.Security;
using Dialer.Core;
using Dialer.Core.Outcomes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dialer.Api.Pages.Supervision;

/// <summary>
/// What the supervisor's results pages share (docs/supervision.md): the campaign chosen in the query string (GET, so a
/// view can be bookmarked), the filter errors, the tables built once for the page and for its CSV handler, and the
/// CSV link of each table (the same query plus <c>handler=csv&amp;tabella=ID</c>). Supervisors and admins only (inherited).
/// </summary>
[Authorize(Policy = Roles.Supervisor)]
public abstract class ReportPage(OutcomeReports reports, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "campagna")]
    public string? CampaignSlug { get; set; }

    public IReadOnlyList<(long Id, string Slug, string Name)> Campaigns { get; private set; } = [];

    /// <summary>The campaign shown: the one asked for, else the first by name; null when there is none.</summary>
    public (long Id, string Slug, string Name)? Campaign { get; private set; }

    readonly Dictionary<string, string> errors = [];

    /// <summary>Problems with the query string's filters, by field name (the input's id).</summary>
    public IReadOnlyDictionary<string, string> Errors => errors;

    protected void Error(string field, string message) => errors[field] = message;

    public IReadOnlyList<ReportTable> Tables { get; private set; } = [];

    public ReportTable Table(string id) => Tables.First(t => t.Id == id);

    protected OutcomeReports Reports => reports;

    /// <summary>Reads the page's own filters into <see cref="Errors"/> (field name → message) before anything is built.</summary>
    protected virtual Task ParseFiltersAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>The page's tables (and whatever else it shows) for the chosen campaign.</summary>
    protected abstract Task<IReadOnlyList<ReportTable>> BuildAsync(long campaignId, CancellationToken ct);

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct) && Errors.Count > 0) Response.StatusCode = StatusCodes.Status400BadRequest;
    }

    /// <summary>One table as CSV (counts, no personal data: docs/supervision.md "CSV").</summary>
    public async Task<IActionResult> OnGetCsvAsync([FromQuery(Name = "tabella")] string? table, CancellationToken ct)
    {
        if (!await LoadAsync(ct))
            return Errors.Count > 0 ? BadRequest(string.Join(" ", Errors.Values)) : NotFound(Text.T("Nessuna campagna.", "No campaign."));
        if (Tables.FirstOrDefault(t => t.Id == table) is not { } found)
            return NotFound(Text.T($"Nessuna tabella «{table}» in questa pagina.", $"No table «{table}» on this page."));
        var day = OutcomeLedger.Today(time).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return File(found.Csv(), "text/csv; charset=utf-8", $"{Campaign!.Value.Slug}-{found.Id}-{day}.csv");
    }

    async Task<bool> LoadAsync(CancellationToken ct)
    {
        Campaigns = await reports.CampaignsAsync(ct);
        var slug = string.IsNullOrWhiteSpace(CampaignSlug) ? null : CampaignSlug.Trim();
        Campaign = Campaigns.Where(c => slug is null || c.Slug == slug).Select(c => ((long Id, string Slug, string Name)?)c).FirstOrDefault();
        if (slug is not null && Campaign is null)
            Error("campagna", Text.T($"Campagna: nessuna campagna «{slug}»; sceglierne una dall'elenco.", $"Campaign: no campaign «{slug}»; choose one from the list."));
        await ParseFiltersAsync(ct);
        if (Errors.Count > 0 || Campaign is null) return false;
        Tables = await BuildAsync(Campaign.Value.Id, ct);
        return true;
    }

    /// <summary>This page's address with the current query and the CSV handler for one table.</summary>
    public string CsvHref(string table)
    {
        var query = new QueryBuilder(Request.Query
            .Where(q => q.Key is not ("handler" or "tabella"))
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? ""))));
        if (!Request.Query.ContainsKey("campagna") && Campaign is { } c) query.Add("campagna", c.Slug);
        query.Add("handler", "csv");
        query.Add("tabella", table);
        return Request.PathBase + Request.Path + query.ToQueryString();
    }

    /// <summary>The table and its CSV link, as the _ReportTable partial takes them.</summary>
    public (ReportTable, string) TableView(string id) => (Table(id), CsvHref(id));
}
