namespace Dialer.Core.Outcomes;

/// <summary>Placements of one contract family: how many, and how many of them are stable.</summary>
public sealed record FamilyCount(string Family, string Label, long Placed, long Stable);

/// <summary>
/// What became of the people placed after a campaign's call (docs/outcomes.md "Placement"): the contract mix, the stable
/// share, the planned length of fixed-term jobs, and retention at 3 and 6 months among those whose milestone has come.
/// </summary>
public sealed record PlacementSummary(long Answered, long Placed, long Stable, IReadOnlyList<FamilyCount> Families,
    IReadOnlyList<(string Band, string Label, long Count)> FixedTermLengths,
    Proportion Retained3m, Proportion Retained6m, Proportion StableShare);

/// <summary>
/// The control-group comparison (docs/outcomes.md "Control group"): of the people selected, the share hired within the
/// attribution window, called versus held out, and the difference with its 95% interval.
/// </summary>
public sealed record Uplift(decimal ControlShare, Proportion Called, Proportion HeldOut, Difference? Difference, UpliftVerdict Verdict)
{
    public string Sentence => Verdict switch
    {
        UpliftVerdict.NoControlGroup => Text.T(
            "La campagna non ha un gruppo di controllo (controlShare 0): non si può misurare l'effetto delle chiamate.",
            "The campaign has no control group (controlShare 0): the effect of calling cannot be measured."),
        UpliftVerdict.TooSmall => Text.T(
            "Con i dati attuali non si può concludere che le chiamate abbiano cambiato le assunzioni: i gruppi sono ancora troppo piccoli.",
            "With the current data one cannot conclude that calling changed hiring: the groups are still too small."),
        UpliftVerdict.Inconclusive => Text.T(
            "Con i dati attuali non si può concludere che le chiamate abbiano cambiato le assunzioni: l'intervallo comprende lo zero.",
            "With the current data one cannot conclude that calling changed hiring: the interval includes zero."),
        UpliftVerdict.Better => Text.T(
            $"Tra le persone chiamate le assunzioni sono più frequenti: {Points(Difference!.Estimate)} (IC 95% {Points(Difference.Low)} – {Points(Difference.High)}).",
            $"Hiring is more frequent among the people called: {Points(Difference!.Estimate)} (95% CI {Points(Difference.Low)} – {Points(Difference.High)})."),
        UpliftVerdict.Worse => Text.T(
            $"Tra le persone chiamate le assunzioni sono meno frequenti: {Points(Difference!.Estimate)} (IC 95% {Points(Difference.Low)} – {Points(Difference.High)}).",
            $"Hiring is less frequent among the people called: {Points(Difference!.Estimate)} (95% CI {Points(Difference.Low)} – {Points(Difference.High)})."),
        _ => "",
    };

    /// <summary>A difference of shares in percentage points, signed, it-IT (+3,4 punti).</summary>
    public static string Points(double d) =>
        (d >= 0 ? "+" : "−") + Math.Abs(d * 100).ToString("0.0", ItalianFormat.Culture) + Text.T(" punti", " points");
}

public enum UpliftVerdict { NoControlGroup, TooSmall, Inconclusive, Better, Worse }

/// <summary>One group of an equity dimension: its people and rates against the selected, and why it is flagged, if it is.</summary>
public sealed record EquityRow(string Key, string Label, long Selected, Proportion Reached, Proportion Intake, Proportion Placed,
    IReadOnlyList<string> Flags);

/// <summary>One dimension of the equity report (age band, sex, birth area, comune, CPI), with the campaign's own rates.</summary>
public sealed record EquityDimension(string Code, string Label, IReadOnlyList<EquityRow> Rows);

public sealed record EquityReport(Proportion Reached, Proportion Intake, Proportion Placed, IReadOnlyList<EquityDimension> Dimensions);

/// <summary>The outcome, uplift and equity reports of a campaign, read from the ledger and the rollups.</summary>
public sealed class OutcomeReports(NpgsqlDataSource db)
{
    /// <summary>Below this many held-out or called people, or fewer than this many hired in either group, no conclusion is drawn.</summary>
    public const int MinimumGroup = 30;
    public const int MinimumHired = 5;

    /// <summary>A group is flagged when its rate is below this share of the campaign's and its interval lies wholly below the campaign's rate.</summary>
    public const double FarBelow = 0.8;

    public static string FamilyLabel(string family) => family switch
    {
        "permanent" => Text.T("Tempo indeterminato", "Permanent"),
        "fixed_term" => Text.T("Tempo determinato", "Fixed-term"),
        "apprenticeship" => Text.T("Apprendistato", "Apprenticeship"),
        "agency" => Text.T("Somministrazione", "Agency work"),
        "intermittent" => Text.T("Intermittente", "Intermittent"),
        _ => Text.T("Altro (tirocini, collaborazioni…)", "Other (traineeships, freelance…)"),
    };

    public static readonly IReadOnlyList<string> Families = ["permanent", "fixed_term", "apprenticeship", "agency", "intermittent", "other"];

    public async Task<PlacementSummary> PlacementsAsync(long campaignId, CancellationToken ct)
    {
        const string sql = """
            SELECT CASE WHEN placed_on IS NULL THEN '' ELSE placed_family END AS Family, count(*) AS Placed, count(*) FILTER (WHERE stable) AS Stable,
                   count(answered_on) AS Answered,
                   count(*) FILTER (WHERE retained_3m) AS Retained3m, count(retained_3m) AS Known3m,
                   count(*) FILTER (WHERE retained_6m) AS Retained6m, count(retained_6m) AS Known6m,
                   count(*) FILTER (WHERE placed_family = 'fixed_term' AND placed_planned_end_on < placed_on + interval '3 months') AS Under3,
                   count(*) FILTER (WHERE placed_family = 'fixed_term' AND placed_planned_end_on >= placed_on + interval '3 months'
                                      AND placed_planned_end_on < placed_on + interval '6 months') AS Under6,
                   count(*) FILTER (WHERE placed_family = 'fixed_term' AND placed_planned_end_on >= placed_on + interval '6 months'
                                      AND placed_planned_end_on < placed_on + interval '12 months') AS Under12,
                   count(*) FILTER (WHERE placed_family = 'fixed_term' AND placed_planned_end_on >= placed_on + interval '12 months') AS Over12,
                   count(*) FILTER (WHERE placed_family = 'fixed_term' AND placed_planned_end_on IS NULL) AS NoEnd
            FROM   campaign_outcomes
            WHERE  campaign_id = @campaignId AND NOT control AND answered_on IS NOT NULL
            GROUP  BY 1
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = (await conn.QueryAsync<PlacementRow>(new CommandDefinition(sql, new { campaignId }, cancellationToken: ct))).AsList();
        var placedRows = rows.Where(r => r.Family.Length > 0).ToList();
        long Sum(Func<PlacementRow, long> f) => placedRows.Sum(f);
        var placed = Sum(r => r.Placed);
        var families = Families.Select(f => placedRows.FirstOrDefault(r => r.Family == f) is { } r
            ? new FamilyCount(f, FamilyLabel(f), r.Placed, r.Stable) : new FamilyCount(f, FamilyLabel(f), 0, 0)).ToList();
        return new PlacementSummary(rows.Sum(r => r.Answered), placed, Sum(r => r.Stable), families,
        [
            ("under_3", Text.T("meno di 3 mesi", "under 3 months"), Sum(r => r.Under3)),
            ("3_6", Text.T("da 3 a 6 mesi", "3 to 6 months"), Sum(r => r.Under6)),
            ("6_12", Text.T("da 6 a 12 mesi", "6 to 12 months"), Sum(r => r.Under12)),
            ("12_plus", Text.T("12 mesi o più", "12 months or more"), Sum(r => r.Over12)),
            ("unknown", Text.T("durata non indicata", "length not given"), Sum(r => r.NoEnd)),
        ],
            Proportions.Wilson(Sum(r => r.Retained3m), Sum(r => r.Known3m)),
            Proportions.Wilson(Sum(r => r.Retained6m), Sum(r => r.Known6m)),
            Proportions.Wilson(Sum(r => r.Stable), placed));
    }

    sealed record PlacementRow(string Family, long Placed, long Stable, long Answered, long Retained3m, long Known3m, long Retained6m,
        long Known6m, long Under3, long Under6, long Under12, long Over12, long NoEnd);

    /// <summary>Called versus held out: the share of each group's selected people hired within the window (from the rollups).</summary>
    public async Task<Uplift> UpliftAsync(long campaignId, CancellationToken ct)
    {
        const string sql = """
            SELECT (SELECT (definition ->> 'controlShare')::numeric FROM campaigns WHERE id = @campaignId) AS Share,
                   coalesce(sum(selected) FILTER (WHERE NOT control), 0)::bigint AS Called,
                   coalesce(sum(hired) FILTER (WHERE NOT control), 0)::bigint AS CalledHired,
                   coalesce(sum(selected) FILTER (WHERE control), 0)::bigint AS HeldOut,
                   coalesce(sum(hired) FILTER (WHERE control), 0)::bigint AS HeldOutHired
            FROM   funnel_rollup WHERE campaign_id = @campaignId
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var r = await conn.QuerySingleAsync<(decimal? Share, long Called, long CalledHired, long HeldOut, long HeldOutHired)>(
            new CommandDefinition(sql, new { campaignId }, cancellationToken: ct));
        return Compare(r.Share ?? 0, r.CalledHired, r.Called, r.HeldOutHired, r.HeldOut);
    }

    /// <summary>The verdict from the counts (docs/outcomes.md "Control group"): the rule, apart from the database.</summary>
    public static Uplift Compare(decimal share, long calledHired, long called, long heldOutHired, long heldOut)
    {
        var difference = Proportions.NewcombeDifference(calledHired, called, heldOutHired, heldOut);
        var verdict = heldOut == 0 ? UpliftVerdict.NoControlGroup
            : heldOut < MinimumGroup || called < MinimumGroup || calledHired + heldOutHired < MinimumHired ? UpliftVerdict.TooSmall
            : difference!.Low > 0 ? UpliftVerdict.Better
            : difference.High < 0 ? UpliftVerdict.Worse
            : UpliftVerdict.Inconclusive;
        return new Uplift(share, Proportions.Wilson(calledHired, called), Proportions.Wilson(heldOutHired, heldOut), difference, verdict);
    }

    static readonly (string Code, Func<string> Label, string Column)[] Dimensions =
    [
        ("age_band", () => Text.T("Fascia d'età", "Age band"), "age_band"),
        ("sex", () => Text.T("Sesso", "Sex"), "coalesce(sex, '')"),
        ("birth_area", () => Text.T("Luogo di nascita (cittadinanza)", "Birth place (citizenship)"), "birth_area"),
        ("cpi", () => Text.T("Centro per l'impiego", "Job centre"), "coalesce(cpi_code, '')"),
        ("comune", () => Text.T("Comune", "Comune"), "coalesce(comune_code, '')"),
    ];

    /// <summary>
    /// Equity of reach (docs/outcomes.md "Equity"): for each dimension, each group's share of its selected people reached
    /// (answered), taken in charge and placed, with 95% intervals; a group whose rate is far below the campaign's and
    /// whose interval lies wholly below it is flagged, with the reason in words.
    /// </summary>
    public async Task<EquityReport> EquityAsync(long campaignId, CancellationToken ct)
    {
        var sql = string.Join("\nUNION ALL\n", Dimensions.Select(d => $"""
            SELECT '{d.Code}' AS Dimension, {d.Column} AS Key, count(*) AS Selected, count(answered_on) AS Reached,
                   count(intake_on) AS Intake, count(placed_on) AS Placed
            FROM   campaign_outcomes WHERE campaign_id = @campaignId AND NOT control GROUP BY 2
            """));
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = (await conn.QueryAsync<(string Dimension, string Key, long Selected, long Reached, long Intake, long Placed)>(
            new CommandDefinition(sql, new { campaignId }, cancellationToken: ct))).AsList();
        var cpis = (await conn.QueryAsync<(string, string)>(new CommandDefinition("SELECT code, name FROM cpi_offices", cancellationToken: ct)))
            .ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);
        var comuni = (await conn.QueryAsync<(string, string)>(new CommandDefinition(
            "SELECT code, name FROM comuni WHERE code IN (SELECT DISTINCT comune_code FROM campaign_outcomes WHERE campaign_id = @campaignId)",
            new { campaignId }, cancellationToken: ct))).ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);

        var overall = rows.Where(r => r.Dimension == "age_band").ToList();
        var selected = overall.Sum(r => r.Selected);
        var reached = Proportions.Wilson(overall.Sum(r => r.Reached), selected);
        var intake = Proportions.Wilson(overall.Sum(r => r.Intake), selected);
        var placed = Proportions.Wilson(overall.Sum(r => r.Placed), selected);

        var dimensions = Dimensions.Select(d => new EquityDimension(d.Code, d.Label(), rows.Where(r => r.Dimension == d.Code)
            .OrderByDescending(r => r.Selected).ThenBy(r => r.Key, StringComparer.Ordinal)
            .Select(r =>
            {
                var rowReached = Proportions.Wilson(r.Reached, r.Selected);
                var rowIntake = Proportions.Wilson(r.Intake, r.Selected);
                var rowPlaced = Proportions.Wilson(r.Placed, r.Selected);
                var flags = new List<string>();
                Flag(flags, Text.T("raggiunte", "reached"), rowReached, reached);
                Flag(flags, Text.T("prese in carico", "taken in charge"), rowIntake, intake);
                Flag(flags, Text.T("assunte", "placed"), rowPlaced, placed);
                return new EquityRow(r.Key, GroupLabel(d.Code, r.Key, cpis, comuni), r.Selected, rowReached, rowIntake, rowPlaced, flags);
            }).ToList())).ToList();
        return new EquityReport(reached, intake, placed, dimensions);
    }

    static void Flag(List<string> flags, string what, Proportion group, Proportion campaign)
    {
        if (group.Rate is not { } rate || campaign.Rate is not { } mean) return;
        if (rate >= mean * FarBelow || group.High >= mean) return;
        flags.Add(Text.T(
            $"{what} {ItalianFormat.Percent(rate)} (IC 95% {ItalianFormat.Percent(group.Low)} – {ItalianFormat.Percent(group.High)}), molto sotto il {ItalianFormat.Percent(mean)} della campagna",
            $"{what} {ItalianFormat.Percent(rate)} (95% CI {ItalianFormat.Percent(group.Low)} – {ItalianFormat.Percent(group.High)}), far below the campaign's {ItalianFormat.Percent(mean)}"));
    }

    static string GroupLabel(string dimension, string key, IReadOnlyDictionary<string, string> cpis, IReadOnlyDictionary<string, string> comuni) =>
        (dimension, key) switch
        {
            ("age_band", "unknown") => Text.T("età non nota", "age unknown"),
            ("age_band", _) => key.Replace("+", Text.T(" anni e più", " and over"), StringComparison.Ordinal) + (key.EndsWith('+') ? "" : Text.T(" anni", " years")),
            ("sex", "F") => Text.T("Donne", "Women"),
            ("sex", "M") => Text.T("Uomini", "Men"),
            ("sex", _) => Text.T("non indicato", "not given"),
            ("birth_area", "italy") => Text.T("Nate/i in Italia", "Born in Italy"),
            ("birth_area", "eu") => Text.T("Nate/i in un altro paese dell'UE", "Born in another EU country"),
            ("birth_area", "non_eu") => Text.T("Nate/i fuori dall'UE", "Born outside the EU"),
            ("birth_area", _) => Text.T("non noto", "unknown"),
            ("cpi", "") => Text.T("Fuori dai territori dei CPI", "Outside the CPIs' territories"),
            ("cpi", _) => cpis.GetValueOrDefault(key, key),
            ("comune", "") => Text.T("non noto", "unknown"),
            ("comune", _) => comuni.GetValueOrDefault(key, key),
            _ => key,
        };

    /// <summary>The campaigns as a supervisor picks them: id, slug and name, by name.</summary>
    public async Task<IReadOnlyList<(long Id, string Slug, string Name)>> CampaignsAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<(long, string, string)>(new CommandDefinition(
            "SELECT id, slug, name FROM campaigns ORDER BY name", cancellationToken: ct))).AsList();
    }

}
