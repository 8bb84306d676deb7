using System.Text.Json;
using Dialer.Core.Campaigns;
using Microsoft.Extensions.Logging;

namespace Dialer.Core.Selection;

public enum SelectionTrigger { Schedule, CatchUp, Manual }

/// <summary>The outcome of a run: its cascade, and whether it ran now or had already run that day.</summary>
public sealed record SelectionRun(string Campaign, DateOnly RunOn, DateOnly AsOf, Cascade Cascade, bool AlreadyRan);

/// <summary>
/// The nightly selection of one campaign for one day: expires stale contact-list entries, evaluates
/// everyone, adds the eligible to the contact list in priority order, and records the cascade, all in
/// one transaction. Exactly once per campaign and day, whichever worker (or how many) runs it.
/// </summary>
public sealed class NightlySelection(NpgsqlDataSource db, CampaignStore campaigns, Eligibility eligibility,
    TimeProvider time, ILogger<NightlySelection> logger)
{
    public async Task<SelectionRun> RunAsync(string slug, DateOnly runOn, SelectionTrigger trigger, CancellationToken ct)
    {
        var campaign = await campaigns.FindAsync(slug, ct) ?? throw new CampaignNotFoundException(slug);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Serialises runs of this campaign: the second of two concurrent runs waits, then finds the first's row.
        await conn.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)",
            new { key = AdvisoryKey(campaign.Id) }, tx, cancellationToken: ct));

        var existing = await conn.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT cascade::text FROM selection_runs WHERE campaign_id = @Id AND run_on = @runOn",
            new { campaign.Id, runOn = Eligibility.ToDate(runOn) }, tx, cancellationToken: ct));
        if (existing is not null)
        {
            await tx.CommitAsync(ct);
            logger.LogInformation("Selection of {Campaign} for {RunOn} already ran; nothing to do", slug, runOn);
            return new SelectionRun(slug, runOn, runOn, JsonSerializer.Deserialize<Cascade>(existing, CampaignDefinition.Json)!, AlreadyRan: true);
        }

        var started = time.GetUtcNow();
        await conn.ExecuteAsync(new CommandDefinition("""
            UPDATE contact_list_entries
            SET    state = 'expired'
            WHERE  state = 'pending' AND expires_on < @runOn
            """, new { runOn = Eligibility.ToDate(runOn) }, tx, cancellationToken: ct));

        var parameters = await eligibility.ParametersAsync(conn, campaign, runOn, ct);
        parameters.Add("RunOn", Eligibility.ToDate(runOn));
        parameters.Add("ExpiresOn", Eligibility.ToDate(runOn.AddDays(campaign.Definition.ContactListDays)));
        parameters.Add("MaxPerNight", campaign.Definition.MaxPerNight);
        parameters.Add("Slug", campaign.Slug);
        parameters.Add("ControlShare", (double)campaign.Definition.ControlShare);
        var sql = Eligibility.Evaluated + $"""
            , ranked AS (
                SELECT cf, row_number() OVER (ORDER BY {Eligibility.OrderBy(campaign.Definition.Priority)}) AS priority
                FROM   evaluated
                WHERE  outcome = 'selected'
            ), added AS (
                -- The control group (docs/outcomes.md "Control group"): held out by the hash of slug and codice fiscale.
                INSERT INTO contact_list_entries (campaign_id, person_cf, selected_on, priority, expires_on, state)
                SELECT CAST(@CampaignIdValue AS bigint), cf, CAST(@RunOn AS date), priority, CAST(@ExpiresOn AS date),
                       CASE WHEN control_fraction(@Slug, cf) < @ControlShare THEN 'held_out' ELSE 'pending' END
                FROM   ranked
                WHERE  priority <= coalesce(CAST(@MaxPerNight AS integer), 2147483647)
                ON CONFLICT (campaign_id, person_cf) DO NOTHING
                RETURNING state
            )
            SELECT outcome, count(*) AS people FROM evaluated GROUP BY outcome
            UNION ALL
            SELECT '#added', count(*) FROM added
            UNION ALL
            SELECT '#held_out', count(*) FROM added WHERE state = 'held_out'
            """;
        var rows = (await conn.QueryAsync<(string Outcome, long People)>(new CommandDefinition(sql, parameters, tx, cancellationToken: ct))).ToList();
        var cascade = Cascade.From(rows.Where(r => !r.Outcome.StartsWith('#')), rows.Single(r => r.Outcome == "#added").People)
            with { HeldOut = rows.Single(r => r.Outcome == "#held_out").People };
        // The new entries join the outcomes ledger (and the funnel's "selected") in the same transaction.
        await Outcomes.OutcomeLedger.RefreshAsync(conn, tx, Outcomes.LedgerScope.SelectionDay, Outcomes.OutcomeLedger.Today(time),
            new { campaignId = campaign.Id, selectedOn = Eligibility.ToDate(runOn) }, ct);

        await conn.ExecuteAsync(new CommandDefinition("""
            INSERT INTO selection_runs (campaign_id, run_on, as_of, considered, selected, cascade, trigger, started_at, finished_at)
            VALUES (@Id, @runOn, @runOn, @Considered, @Added, @Cascade::jsonb, @Trigger, @started, @finished)
            """, new
        {
            campaign.Id,
            runOn = Eligibility.ToDate(runOn),
            Considered = (int)cascade.Considered,
            Added = (int)cascade.Added!.Value,
            Cascade = JsonSerializer.Serialize(cascade, CampaignDefinition.Json),
            Trigger = TriggerCode(trigger),
            started,
            finished = time.GetUtcNow(),
        }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        logger.LogInformation("Selection of {Campaign} for {RunOn} ({Trigger}): {Considered} considered, {Eligible} eligible, {Added} added",
            slug, runOn, trigger, cascade.Considered, cascade.Eligible, cascade.Added);
        return new SelectionRun(slug, runOn, runOn, cascade, AlreadyRan: false);
    }

    /// <summary>The recorded runs of a campaign, newest first.</summary>
    public async Task<IReadOnlyList<SelectionRunSummary>> HistoryAsync(string slug, int limit, CancellationToken ct)
    {
        const string sql = """
            SELECT r.run_on AS RunOn, r.considered AS Considered, r.selected AS Selected, r.trigger AS Trigger, r.finished_at AS FinishedAt
            FROM   selection_runs r JOIN campaigns c ON c.id = r.campaign_id
            WHERE  c.slug = @slug
            ORDER  BY r.run_on DESC
            LIMIT  @limit
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<SelectionRunSummary>(new CommandDefinition(sql, new { slug, limit }, cancellationToken: ct))).ToList();
    }

    static string TriggerCode(SelectionTrigger trigger) => trigger switch
    {
        SelectionTrigger.Schedule => "schedule",
        SelectionTrigger.CatchUp => "catch_up",
        SelectionTrigger.Manual => "manual",
        _ => throw new ArgumentOutOfRangeException(nameof(trigger), trigger, null),
    };

    // High 32 bits say "selection", low 32 the campaign: no clash with the migrator's lock or other runs.
    static long AdvisoryKey(long campaignId) => (0x53454C45L << 32) | (campaignId & 0xFFFFFFFFL);

}

public sealed record SelectionRunSummary(DateOnly RunOn, int Considered, int Selected, string Trigger, DateTime FinishedAt);

public sealed class CampaignNotFoundException(string slug) : Exception($"No campaign with slug \"{slug}\".")
{
    public string Slug { get; } = slug;
}
