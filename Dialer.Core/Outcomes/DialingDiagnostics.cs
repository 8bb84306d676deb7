using Dialer.Core.Dialing.Policy;
using Dialer.Core.Dialing.Queue;
using Dialer.Core.Operators;
using Dialer.Core.Dialing;
using Dialer.Core.Telephony;

namespace Dialer.Core.Outcomes;

/// <summary>A reason not to dial, with its Italian label and how many contacts it holds back.</summary>
public sealed record ReasonCount(string Code, string Label, long Count);

/// <summary>
/// "Why is nobody being dialed?": what stops the whole campaign now (inactive, outside the calling window or a holiday,
/// nobody available, telephony paused) and, per reason, how many contacts are held back or finished.
/// </summary>
public sealed record CampaignDiagnostics(
    string Campaign,
    string Name,
    string Mode,
    DateTimeOffset At,
    bool DialingNow,
    IReadOnlyList<ReasonCount> Blocking,
    DateTimeOffset? NextOpening,
    int OperatorsAvailable,
    long ContactListPending,
    long Ready,
    long InProgress,
    IReadOnlyList<ReasonCount> Waiting,
    IReadOnlyList<ReasonCount> Finished,
    long DialedToday,
    DateOnly? LastSelectionOn,
    int? LastSelectionSelected);

/// <remarks><see cref="TelephonyHealth"/> is per process: the command line, which places no calls, has none.</remarks>
public sealed class DialingDiagnostics(DialingCampaigns campaigns, CallQueue queue, OperatorRoster roster, NpgsqlDataSource db, TimeProvider time,
    TelephonyHealth? health = null)
{
    public async Task<CampaignDiagnostics?> ForAsync(string slug, CancellationToken ct)
    {
        if (await campaigns.FindAsync(slug, ct) is not { } campaign) return null;
        var now = time.GetUtcNow();
        var counts = await queue.HoldCountsAsync(campaign.Id, now, ct);
        var available = await roster.CountAvailableAsync(campaign.Id, ct);

        var blocking = new List<string>();
        if (!campaign.Campaign.Active) blocking.Add(PolicyReasons.CampaignInactive);
        if (campaign.Policy.Calendar.ClosedReason(now, null) is { } closed) blocking.Add(closed);
        if (available == 0) blocking.Add(PolicyReasons.NoOperatorAvailable);
        if (health?.IsOpen == true) blocking.Add(PolicyReasons.TelephonyPaused);

        const string sql = """
            SELECT (SELECT count(*) FROM contact_list_entries WHERE campaign_id = @id AND state = 'pending') AS Pending,
                   (SELECT count(*) FROM call_attempts
                    WHERE  campaign_id = @id AND created_at >= @dayStart AND state IN ('dialing', 'placed', 'ended')) AS DialedToday,
                   (SELECT run_on FROM selection_runs WHERE campaign_id = @id ORDER BY run_on DESC LIMIT 1) AS LastRunOn,
                   (SELECT selected FROM selection_runs WHERE campaign_id = @id ORDER BY run_on DESC LIMIT 1) AS LastSelected
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleAsync<(long Pending, long DialedToday, DateOnly? LastRunOn, int? LastSelected)>(new CommandDefinition(sql,
            new { id = campaign.Id, dayStart = CallingCalendar.StartOfLocalDay(now) }, cancellationToken: ct));

        return new CampaignDiagnostics(
            campaign.Campaign.Slug,
            campaign.Campaign.Name,
            campaign.Settings.Mode.ToString().ToLowerInvariant(),
            now,
            blocking.Count == 0 && counts.Ready > 0,
            // What would be dialed now if nothing stopped the campaign: the ready contacts and those still on the contact list.
            blocking.Select(r => new ReasonCount(r, PolicyReasons.Label(r), counts.Ready + row.Pending)).ToList(),
            campaign.Policy.Calendar.IsOpen(now, null) ? null : campaign.Policy.Calendar.NextOpening(now, null),
            available,
            row.Pending,
            counts.Ready,
            counts.Leased,
            Counted(counts.Held),
            Counted(counts.Finished),
            row.DialedToday,
            row.LastRunOn,
            row.LastSelected);
    }

    static List<ReasonCount> Counted(IReadOnlyDictionary<string, long> counts) =>
        counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new ReasonCount(c.Key, Label(c.Key), c.Value)).ToList();

    /// <summary>A finished contact's reason is a disposition code, a provider outcome or a reason not to dial.</summary>
    static string Label(string code) =>
        DispositionCatalogue.Find(code)?.Label ?? (code == ProviderOutcomes.Answered ? Text.T("Risposto, esito da registrare", "Answered, outcome to record") : PolicyReasons.Label(code));
}
