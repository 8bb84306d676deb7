using System.Globalization;

namespace Dialer.Core.Outcomes;

/// <summary>How a funnel is split: not at all, or by CPI, operator, week of the first call, or selection month.</summary>
public enum FunnelBy { None, Cpi, Operator, Week, Cohort }

/// <summary>
/// Where the counts come from: the rollups the ledger's triggers keep (what pages read), the ledger's rows (one per
/// person), or the raw tables through campaign_outcome_facts (the rules themselves; slowest). All three agree.
/// </summary>
public enum FunnelSource { Rollup, Ledger, Raw }

/// <summary>
/// Which people a funnel counts (docs/outcomes.md "Funnel"): a campaign's, optionally those selected in one month
/// (<see cref="Cohort"/>, its first day), first called in the weeks overlapping <see cref="From"/>–<see cref="To"/>
/// (people never called then drop out, so "selected" counts those called in the period), living in a CPI's territory,
/// or first spoken with by an operator.
/// </summary>
public sealed record FunnelFilter(long CampaignId)
{
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    public DateOnly? Cohort { get; init; }
    public string? Cpi { get; init; }
    public long? OperatorId { get; init; }
}

/// <summary>The people at each step, for one group.</summary>
public sealed record FunnelCounts(long Selected, long Queued, long Dialed, long Answered, long RightPerson, long Intake, long Attended,
    long Placed, long PlacedAfterIntake, long Retained6m, long Stable, long Hired)
{
    public static readonly FunnelCounts Zero = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public FunnelCounts Plus(FunnelCounts o) => new(Selected + o.Selected, Queued + o.Queued, Dialed + o.Dialed, Answered + o.Answered,
        RightPerson + o.RightPerson, Intake + o.Intake, Attended + o.Attended, Placed + o.Placed, PlacedAfterIntake + o.PlacedAfterIntake,
        Retained6m + o.Retained6m, Stable + o.Stable, Hired + o.Hired);
}

/// <summary>One step: its people, and its rates against the step before and against the selected (null when either is 0).</summary>
public sealed record FunnelStep(string Code, string Label, long Count, double? OfPrevious, double? OfSelected);

/// <summary>A group's funnel: its steps, and placement read both ways (domain.md §5.2: the 2024 figures fit placed/answered).</summary>
public sealed record FunnelGroup(string Key, string Label, FunnelCounts Counts)
{
    public IReadOnlyList<FunnelStep> Steps { get; } = FunnelSteps.Of(Counts);
    public double? PlacedOfAnswered => FunnelSteps.Rate(Counts.Placed, Counts.Answered);
    public double? PlacedAfterIntakeOfIntake => FunnelSteps.Rate(Counts.PlacedAfterIntake, Counts.Intake);
}

/// <summary>A funnel: the total, the groups asked for, and the control group (held out, never called) beside them.</summary>
public sealed record FunnelReport(string Campaign, string CampaignName, FunnelFilter Filter, FunnelBy By, FunnelGroup Total,
    IReadOnlyList<FunnelGroup> Groups, FunnelCounts Control, DateOnly AsOf);

/// <summary>The steps in order, with their names in the user's language (docs/outcomes.md "Funnel").</summary>
public static class FunnelSteps
{
    public static readonly IReadOnlyList<(string Code, Func<string> Label, Func<FunnelCounts, long> Count)> InOrder =
    [
        ("selected", () => Text.T("Selezionate", "Selected"), c => c.Selected),
        ("queued", () => Text.T("In coda", "Queued"), c => c.Queued),
        ("dialed", () => Text.T("Chiamate", "Dialed"), c => c.Dialed),
        ("answered", () => Text.T("Hanno risposto", "Answered by a person"), c => c.Answered),
        ("right_person", () => Text.T("Persona giusta", "Right person"), c => c.RightPerson),
        ("intake", () => Text.T("Accettano la presa in carico", "Accepted intake"), c => c.Intake),
        ("attended", () => Text.T("Presenti all'appuntamento", "Attended the appointment"), c => c.Attended),
        ("placed", () => Text.T("Assunte dopo la chiamata", "Hired after the call"), c => c.Placed),
        ("retained_6m", () => Text.T("Ancora occupate dopo 6 mesi", "Still employed after 6 months"), c => c.Retained6m),
    ];

    public static double? Rate(long part, long whole) => whole == 0 ? null : (double)part / whole;

    public static IReadOnlyList<FunnelStep> Of(FunnelCounts counts)
    {
        var steps = new List<FunnelStep>(InOrder.Count);
        long? previous = null;
        foreach (var (code, label, count) in InOrder)
        {
            var n = count(counts);
            // "Placed" is not a subset of "attended" (people find work without attending): its rate is against the answered.
            var before = code == "placed" ? counts.Answered : previous;
            steps.Add(new FunnelStep(code, label(), n, before is { } b ? Rate(n, b) : null, Rate(n, counts.Selected)));
            previous = n;
        }
        return steps;
    }
}

/// <summary>The funnel of a campaign, from the rollups (fast, what pages read) or from the raw tables (the check).</summary>
public sealed class Funnel(NpgsqlDataSource db, TimeProvider time)
{
    // The counts a group sums: the rollup's columns, or the same counts over the facts of each entry (funnel_rollup_apply
    // in migration 0551 counts them the same way; FunnelTests compares the two).
    const string RollupCounts = """
        sum(selected)::bigint AS Selected, sum(queued)::bigint AS Queued, sum(dialed)::bigint AS Dialed, sum(answered)::bigint AS Answered,
        sum(right_person)::bigint AS RightPerson, sum(intake)::bigint AS Intake, sum(attended)::bigint AS Attended,
        sum(placed)::bigint AS Placed, sum(placed_after_intake)::bigint AS PlacedAfterIntake, sum(retained_6m)::bigint AS Retained6m,
        sum(stable)::bigint AS Stable, sum(hired)::bigint AS Hired
        """;

    const string RawCounts = """
        count(*) AS Selected, count(*) FILTER (WHERE queued) AS Queued, count(dialed_on) AS Dialed, count(answered_on) AS Answered,
        count(*) FILTER (WHERE right_person) AS RightPerson, count(intake_on) AS Intake, count(*) FILTER (WHERE attended) AS Attended,
        count(placed_on) AS Placed, count(*) FILTER (WHERE placed_after_intake) AS PlacedAfterIntake,
        count(*) FILTER (WHERE retained_6m) AS Retained6m, count(*) FILTER (WHERE stable) AS Stable, count(hired_on) AS Hired
        """;

    const string RawSource = """
        (SELECT f.*, date_trunc('month', f.selected_on)::date AS cohort_month
         FROM campaign_outcome_facts(CAST(@today AS date)) f WHERE f.campaign_id = @CampaignId)
        """;

    const string LedgerSource = """
        (SELECT o.*, date_trunc('month', o.selected_on)::date AS cohort_month FROM campaign_outcomes o WHERE o.campaign_id = @CampaignId)
        """;

    const string Where = """
        WHERE campaign_id = @CampaignId
          AND (CAST(@Cohort AS date) IS NULL OR cohort_month = CAST(@Cohort AS date))
          AND (CAST(@From AS date) IS NULL OR dial_week >= date_trunc('week', CAST(@From AS date))::date)
          AND (CAST(@To AS date) IS NULL OR dial_week <= CAST(@To AS date))
          AND (CAST(@Cpi AS text) IS NULL OR cpi_code = CAST(@Cpi AS text))
          AND (CAST(@OperatorId AS bigint) IS NULL OR operator_id = CAST(@OperatorId AS bigint))
        """;

    static string GroupKey(FunnelBy by) => by switch
    {
        FunnelBy.None => "''",
        FunnelBy.Cpi => "coalesce(cpi_code, '')",
        FunnelBy.Operator => "coalesce(operator_id::text, '')",
        FunnelBy.Week => "coalesce(to_char(dial_week, 'YYYY-MM-DD'), '')",
        FunnelBy.Cohort => "to_char(cohort_month, 'YYYY-MM')",
        _ => throw new ArgumentOutOfRangeException(nameof(by), by, null),
    };

    sealed record Row(string Key, bool Control, long Selected, long Queued, long Dialed, long Answered, long RightPerson, long Intake,
        long Attended, long Placed, long PlacedAfterIntake, long Retained6m, long Stable, long Hired)
    {
        public FunnelCounts Counts => new(Selected, Queued, Dialed, Answered, RightPerson, Intake, Attended, Placed, PlacedAfterIntake,
            Retained6m, Stable, Hired);
    }

    /// <summary>The campaign's funnel as the filter asks, split as <paramref name="by"/> says.</summary>
    public async Task<FunnelReport> ReportAsync(FunnelFilter filter, FunnelBy by, FunnelSource source, CancellationToken ct)
    {
        var sql = $"""
            SELECT {GroupKey(by)} AS Key, control AS Control, {(source == FunnelSource.Rollup ? RollupCounts : RawCounts)}
            FROM   {source switch { FunnelSource.Rollup => "funnel_rollup", FunnelSource.Ledger => LedgerSource + " x", _ => RawSource + " x" }}
            {Where}
            GROUP  BY 1, 2
            ORDER  BY 1
            """;
        var today = OutcomeLedger.Today(time);
        await using var conn = await db.OpenConnectionAsync(ct);
        var campaign = await conn.QuerySingleOrDefaultAsync<(string Slug, string Name)>(new CommandDefinition(
            "SELECT slug, name FROM campaigns WHERE id = @CampaignId", new { filter.CampaignId }, cancellationToken: ct));
        var rows = (await conn.QueryAsync<Row>(new CommandDefinition(sql, new
        {
            filter.CampaignId,
            Cohort = Day(filter.Cohort),
            From = Day(filter.From),
            To = Day(filter.To),
            filter.Cpi,
            filter.OperatorId,
            today = Day(today),
        }, cancellationToken: ct, commandTimeout: source == FunnelSource.Raw ? 0 : null))).AsList();
        var labels = await LabelsAsync(conn, by, rows.Select(r => r.Key).Distinct().ToList(), ct);
        var groups = rows.Where(r => !r.Control).Select(r => new FunnelGroup(r.Key, labels.GetValueOrDefault(r.Key, r.Key), r.Counts)).ToList();
        var total = groups.Aggregate(FunnelCounts.Zero, (sum, g) => sum.Plus(g.Counts));
        var control = rows.Where(r => r.Control).Aggregate(FunnelCounts.Zero, (sum, r) => sum.Plus(r.Counts));
        return new FunnelReport(campaign.Slug, campaign.Name, filter, by, new FunnelGroup("", Text.T("Totale", "Total"), total),
            by == FunnelBy.None ? [] : groups, control, today);
    }

    /// <summary>A campaign's id by its slug; null when there is none.</summary>
    public async Task<long?> CampaignIdAsync(string slug, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<long?>(new CommandDefinition("SELECT id FROM campaigns WHERE slug = @slug", new { slug }, cancellationToken: ct));
    }

    /// <summary>An operator's id by identity; null when there is none.</summary>
    public async Task<long?> OperatorIdAsync(string identity, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<long?>(new CommandDefinition("SELECT id FROM operators WHERE identity = @identity",
            new { identity }, cancellationToken: ct));
    }

    static DateTime? Day(DateOnly? d) => d?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);

    /// <summary>What a person reads for a group's key: the CPI's and operator's names, the week and month in Italian.</summary>
    static async Task<Dictionary<string, string>> LabelsAsync(NpgsqlConnection conn, FunnelBy by, IReadOnlyList<string> keys, CancellationToken ct)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var none = by switch
        {
            FunnelBy.Cpi => Text.T("Fuori dai territori dei CPI", "Outside the CPIs' territories"),
            FunnelBy.Operator => Text.T("Nessun operatore (non raggiunte)", "No operator (not reached)"),
            FunnelBy.Week => Text.T("Mai chiamate", "Never dialed"),
            _ => "",
        };
        labels[""] = none;
        if (by == FunnelBy.Cpi)
            foreach (var (code, name) in await conn.QueryAsync<(string, string)>(new CommandDefinition("SELECT code, name FROM cpi_offices", cancellationToken: ct)))
                labels[code] = name;
        if (by == FunnelBy.Operator)
            foreach (var (id, name) in await conn.QueryAsync<(long, string)>(new CommandDefinition("SELECT id, display_name FROM operators", cancellationToken: ct)))
                labels[id.ToString(CultureInfo.InvariantCulture)] = name;
        foreach (var key in keys.Where(k => k.Length > 0 && !labels.ContainsKey(k)))
        {
            labels[key] = by switch
            {
                FunnelBy.Week when DateOnly.TryParseExact(key, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var monday) =>
                    Text.T("settimana del ", "week of ") + ItalianFormat.Date(monday),
                FunnelBy.Cohort when DateOnly.TryParseExact(key + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month) =>
                    Text.T("selezionate a ", "selected in ") + month.ToString("MMMM yyyy", ItalianFormat.Culture),
                _ => key,
            };
        }
        return labels;
    }
}
