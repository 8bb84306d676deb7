using System.Globalization;
using System.Runtime.CompilerServices;
using Dialer.Core.Campaigns;

namespace Dialer.Core.Selection;

/// <summary>
/// Who is eligible for a campaign on a date, and why everyone else is not, from the per-person state
/// that ingest maintains (<c>people</c>): selection never reads notices.
/// </summary>
/// <remarks>
/// Each rule is written once, as the SQL condition under which a person FAILS it. The cascade is
/// <c>CASE WHEN fail₁ THEN rule₁ WHEN fail₂ … ELSE 'selected'</c>; the fast path (count and first batch)
/// is the conjunction <c>(failₙ) IS NOT TRUE</c> of the same conditions plus the predicate of the partial
/// index <c>people_selectable</c>, which the planner needs to see spelled out. The SQL is assembled from
/// these constant fragments only: every value is a parameter.
/// </remarks>
public sealed class Eligibility(NpgsqlDataSource db)
{
    // Fragments read the typed parameters as columns of `params q` (see Parameters below).
    static readonly (SelectionRule Rule, string Passes)[] Rules =
    [
        (SelectionRule.StillEmployed, "NOT p.has_open_spell AND p.last_end_on <= q.as_of AND coalesce(p.last_start_on <= p.last_end_on, true)"),
        (SelectionRule.EndedTooRecently, "p.last_end_on <= q.min_end_on"),
        (SelectionRule.EndedTooLongAgo, "(q.max_end_on IS NULL OR p.last_end_on >= q.max_end_on)"),
        (SelectionRule.NoItalianMobile, "p.mobile_e164 IS NOT NULL"),
        (SelectionRule.OutsideTerritory, "p.domicile_comune = ANY (q.territory)"),
        (SelectionRule.CohortSex, "(q.sex IS NULL OR p.sex = q.sex)"),
        // Age in whole years on the date, as a birth-date range computed once per statement: a date comparison
        // per person instead of an age() computation.
        // A missing birth date fails an age filter and passes when there is none.
        (SelectionRule.CohortAge, "coalesce(p.birth_on BETWEEN q.born_from AND q.born_to, NOT q.age_filter)"),
        (SelectionRule.CohortEndPeriod, "p.last_end_on BETWEEN q.ended_from AND q.ended_to"),
        (SelectionRule.CohortContractType, "(q.contract_types IS NULL OR p.last_contract_type = ANY (q.contract_types))"),
        (SelectionRule.CohortCessationCause, "(q.cessation_causes IS NULL OR p.last_cessation_cause = ANY (q.cessation_causes))"),
        // The exclusion lists are small next to `people` and uncorrelated: PostgreSQL hashes each once per
        // statement ("hashed SubPlan") instead of probing per person. Their columns are NOT NULL (or filtered
        // so), which NOT IN needs to mean what it says.
        // Who objected is objections_binding_on (migration 0470), the definition the dial-time facts read too. An
        // objection recorded under a provisional code is already under the person it turned out to be (ObjectionRegister,
        // ProvisionalSuccession).
        (SelectionRule.Objected, "p.cf NOT IN (SELECT b.person_cf FROM objections_binding_on(q.as_of) b) " +
            "AND p.mobile_e164 NOT IN (SELECT b.phone_e164 FROM objections_binding_on(q.as_of) b WHERE b.phone_e164 IS NOT NULL)"),
        (SelectionRule.TakenInCharge, "p.cf NOT IN (SELECT i.person_cf FROM intakes i WHERE i.taken_on <= q.as_of)"),
        (SelectionRule.ContactedRecently, "p.cf NOT IN (SELECT e.person_cf FROM contact_list_entries e WHERE e.last_contacted_at >= q.cool_off_since)"),
        (SelectionRule.InAnotherCampaign, "p.cf NOT IN (SELECT e.person_cf FROM contact_list_entries e " +
            "WHERE e.campaign_id <> q.campaign_id AND (e.state IN ('pending', 'in_progress') OR (e.state = 'held_out' AND e.expires_on >= q.as_of)))"),
        // Listed on an earlier day: the day's own additions do not count, so a day's cascade reads the same before and after its run.
        (SelectionRule.AlreadyListed, "p.cf NOT IN (SELECT e.person_cf FROM contact_list_entries e WHERE e.campaign_id = q.campaign_id " +
            "AND e.selected_on < q.as_of)"),
    ];

    /// <summary>Typed parameters, so that a null filter still has a type for PostgreSQL.</summary>
    const string Parameters = """
        WITH params AS (
            SELECT CAST(@AsOfValue AS date) AS as_of, CAST(@MinEndOnValue AS date) AS min_end_on,
                   CAST(@MaxEndOnValue AS date) AS max_end_on, CAST(@TerritoryValue AS text[]) AS territory,
                   CAST(@SexValue AS char(1)) AS sex, CAST(@BornFromValue AS date) AS born_from, CAST(@BornToValue AS date) AS born_to,
                   CAST(@AgeFilterValue AS boolean) AS age_filter,
                   CAST(@EndedFromValue AS date) AS ended_from, CAST(@EndedToValue AS date) AS ended_to,
                   CAST(@ContractTypesValue AS text[]) AS contract_types, CAST(@CessationCausesValue AS text[]) AS cessation_causes,
                   CAST(@CoolOffSinceValue AS timestamptz) AS cool_off_since, CAST(@CampaignIdValue AS bigint) AS campaign_id
        )
        """;

    /// <summary>people p × params q → (cf, last_end_on, birth_on, mobile_e164, outcome): the first failing rule, or 'selected'.</summary>
    internal static readonly string Evaluated =
        Parameters + """
        , evaluated AS (
            SELECT p.cf, p.last_end_on, p.birth_on, p.mobile_e164,
                   CASE
        """ + string.Concat(Rules.Select(r => $"\n            WHEN ({r.Passes}) IS NOT TRUE THEN '{r.Rule.Code()}'")) + """

                       ELSE 'selected'
                   END AS outcome
            FROM   people p CROSS JOIN params q
            -- A provisional code linked to its successor is the same person: only the successor counts.
            WHERE  p.successor_cf IS NULL
        )
        """;

    /// <summary>The eligible set as one WHERE clause, for the fast path.</summary>
    internal static readonly string EligibleWhere =
        // successor_cf is spelled out so that, with the rules' own conditions, the planner matches the partial
        // index people_selectable (mobile_e164 IS NOT NULL AND NOT has_open_spell AND successor_cf IS NULL).
        "p.successor_cf IS NULL" + string.Concat(Rules.Select(r => $"\n  AND {r.Passes}"));

    /// <summary>
    /// The ORDER BY of a campaign's priority; ties by codice fiscale, so the order is stable from night to night.
    /// A plain column order (not a CASE) lets the planner walk people_selectable in order and stop at the batch size.
    /// Unqualified names: it is used over `evaluated` and over `people p` alike.
    /// </summary>
    internal static string OrderBy(SelectionPriority priority) => priority switch
    {
        SelectionPriority.LongestWithoutWorkFirst => "last_end_on ASC, cf",
        SelectionPriority.MostRecentEndFirst => "last_end_on DESC, cf",
        SelectionPriority.OldestFirst => "birth_on ASC NULLS LAST, cf",
        SelectionPriority.YoungestFirst => "birth_on DESC NULLS LAST, cf",
        _ => throw new ArgumentOutOfRangeException(nameof(priority), priority, null),
    };

    // Static fields initialise in textual order: these come after Parameters and EligibleWhere.
    static readonly string CountSql = Parameters + $"SELECT count(*) FROM people p CROSS JOIN params q WHERE {EligibleWhere}";

    // With one comune the territory is also spelled as an equality: PostgreSQL 15 returns no order from `= ANY`, but
    // from `=` it walks people_selectable_territory in end-date order and stops at the batch size.
    static readonly Dictionary<(SelectionPriority, bool), string> FirstSql = Enum.GetValues<SelectionPriority>()
        .SelectMany(p => new[] { (p, false), (p, true) })
        .ToDictionary(k => k, k => Parameters + $"""
        SELECT p.cf AS Cf, p.mobile_e164 AS Mobile
        FROM   people p CROSS JOIN params q
        WHERE  {EligibleWhere}{(k.Item2 ? "\n  AND p.domicile_comune = q.territory[1]" : "")}
        ORDER  BY {OrderBy(k.Item1)}
        LIMIT  @Limit
        """);

    /// <summary>The cascade for a campaign on a date, without changing anything.</summary>
    public async Task<Cascade> PreviewAsync(Campaign campaign, DateOnly asOf, CancellationToken ct)
    {
        var sql = Evaluated + "SELECT outcome, count(*) AS people FROM evaluated GROUP BY outcome";
        await using var conn = await db.OpenConnectionAsync(ct);
        var counts = await conn.QueryAsync<(string Outcome, long People)>(new CommandDefinition(sql, await ParametersAsync(conn, campaign, asOf, ct), cancellationToken: ct));
        return Cascade.From(counts, added: null);
    }

    /// <summary>How many are eligible now and the first <paramref name="limit"/> of them in priority order: what the dialer asks for.</summary>
    public async Task<EligibleBatch> FirstBatchAsync(Campaign campaign, DateOnly asOf, int limit, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var parameters = await ParametersAsync(conn, campaign, asOf, ct);
        parameters.Add("Limit", limit);
        // Two statements, each cheap on people_selectable: an index-only count, and an ordered walk that stops at the limit.
        var total = await conn.ExecuteScalarAsync<long>(new CommandDefinition(CountSql, parameters, cancellationToken: ct));
        var first = (await conn.QueryAsync<EligiblePerson>(new CommandDefinition(FirstSql[(campaign.Definition.Priority, parameters.Get<string[]>("TerritoryValue").Length == 1)], parameters, cancellationToken: ct))).ToList();
        return new EligibleBatch(total, first);
    }

    /// <summary>PostgreSQL's EXPLAIN (ANALYZE, BUFFERS) of both fast-path statements, for the benchmark and for tuning.</summary>
    public async Task<IReadOnlyList<string>> ExplainFastPathAsync(Campaign campaign, DateOnly asOf, int limit, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var parameters = await ParametersAsync(conn, campaign, asOf, ct);
        parameters.Add("Limit", limit);
        var lines = new List<string> { "-- count" };
        lines.AddRange(await conn.QueryAsync<string>(new CommandDefinition("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + CountSql, parameters, cancellationToken: ct)));
        lines.Add($"-- first {limit}");
        lines.AddRange(await conn.QueryAsync<string>(new CommandDefinition("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + FirstSql[(campaign.Definition.Priority, parameters.Get<string[]>("TerritoryValue").Length == 1)], parameters, cancellationToken: ct)));
        return lines;
    }

    /// <summary>One row per person considered, with the outcome: for `dialer select --output`.</summary>
    public async IAsyncEnumerable<PersonOutcome> EachPersonAsync(Campaign campaign, DateOnly asOf, [EnumeratorCancellation] CancellationToken ct)
    {
        var sql = Evaluated + "SELECT cf, outcome FROM evaluated ORDER BY cf";
        await using var conn = await db.OpenConnectionAsync(ct);
        var parameters = await ParametersAsync(conn, campaign, asOf, ct);
        await using var reader = await conn.ExecuteReaderAsync(new CommandDefinition(sql, parameters, cancellationToken: ct, flags: CommandFlags.None));
        while (await reader.ReadAsync(ct))
            yield return new PersonOutcome(reader.GetString(0), reader.GetString(1));
    }

    /// <summary>The parameters every statement above takes, resolving a CPI territory to its comuni.</summary>
    internal async Task<DynamicParameters> ParametersAsync(NpgsqlConnection? conn, Campaign campaign, DateOnly asOf, CancellationToken ct)
    {
        var d = campaign.Definition;
        var territory = d.Territory.Comuni?.ToArray() ?? await CpiComuniAsync(conn, d.Territory.Cpi!, ct);
        var p = new DynamicParameters();
        p.Add("AsOfValue", ToDate(asOf));
        p.Add("MinEndOnValue", ToDate(asOf.AddMonths(-d.MinMonthsSinceEnd)));
        p.Add("MaxEndOnValue", d.MaxMonthsSinceEnd is { } max ? ToDate(asOf.AddMonths(-max)) : null);
        p.Add("TerritoryValue", territory);
        p.Add("SexValue", d.Cohort.Sex);
        // Aged ageMin..ageMax in whole years on asOf ⇔ born after asOf − (ageMax + 1) years and on or before asOf − ageMin years.
        var hasAge = d.Cohort.AgeMin is not null || d.Cohort.AgeMax is not null;
        p.Add("BornFromValue", d.Cohort.AgeMax is { } oldest ? ToDate(asOf.AddYears(-(oldest + 1)).AddDays(1)) : DateTime.MinValue.Date);
        p.Add("BornToValue", d.Cohort.AgeMin is { } youngest ? ToDate(asOf.AddYears(-youngest)) : DateTime.MaxValue.Date);
        p.Add("AgeFilterValue", hasAge);
        // An open period bound is the widest date PostgreSQL and .NET share, so the BETWEEN needs no NULL case.
        p.Add("EndedFromValue", d.Cohort.EndedFrom is { } from ? ToDate(from) : DateTime.MinValue.Date);
        p.Add("EndedToValue", d.Cohort.EndedTo is { } to ? ToDate(to) : DateTime.MaxValue.Date);
        p.Add("ContractTypesValue", d.Cohort.ContractTypes?.ToArray());
        p.Add("CessationCausesValue", d.Cohort.CessationCauses?.ToArray());
        p.Add("CoolOffSinceValue", new DateTimeOffset(ToDate(asOf).AddDays(-d.CoolOffDays), TimeSpan.Zero));
        p.Add("CampaignIdValue", campaign.Id);
        return p;
    }

    async Task<string[]> CpiComuniAsync(NpgsqlConnection? conn, string cpi, CancellationToken ct)
    {
        const string sql = "SELECT comune_code FROM cpi_comuni WHERE cpi_code = @cpi ORDER BY comune_code";
        var own = conn is null ? await db.OpenConnectionAsync(ct) : null;
        try
        {
            var comuni = (await (conn ?? own!).QueryAsync<string>(new CommandDefinition(sql, new { cpi }, cancellationToken: ct))).ToArray();
            return comuni.Length > 0 ? comuni : throw new CampaignValidationException(
                [$"territory.cpi: no comuni are loaded for CPI \"{cpi}\" (load them with `dialer territory apply FILE`)."]);
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
    }

    internal static DateTime ToDate(DateOnly d) => d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);

    internal static string FormatDate(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

public sealed record EligiblePerson(string Cf, string Mobile);

public sealed record EligibleBatch(long Eligible, IReadOnlyList<EligiblePerson> First);

public sealed record PersonOutcome(string Cf, string Outcome);
