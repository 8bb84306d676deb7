using System.ComponentModel.DataAnnotations;
using Dialer.Core.Database;
using Dialer.Core.Dialing;
using Dialer.Core.Dialing.Policy;
using Dialer.Core.Operators;
using Microsoft.Extensions.Options;

namespace Dialer.Core.Supervision;

/// <summary>Settings of the supervisor's pages (section <c>Supervision</c>).</summary>
public sealed class SupervisionOptions
{
    public const string Section = "Supervision";

    /// <summary>
    /// The share of answered calls that may be abandoned (a person answered and no operator took the call), in percent:
    /// 3 by default, the Garante's ceiling of 3 silent calls per 100 answered, per campaign (docs/supervision.md).
    /// </summary>
    [Range(0.0, 100.0)]
    public double AbandonTargetPercent { get; set; } = 3;
}

/// <summary>An operator on the floor (signed in): their state and since when; the campaign of the call they hold, if any.</summary>
public sealed record WallboardOperator(string Identity, string Name, PresenceState State, PauseReason? PauseReason, DateTimeOffset Since,
    string? Campaign)
{
    public string StateLabel => PresenceLabels.Label(State);

    public string? PauseReasonLabel => PauseReason is { } reason ? PauseReasons.Label(reason) : null;
}

/// <summary>
/// One campaign's queue and calls: people whose time has come (<see cref="Ready"/>) and people waiting for a retry, a
/// hold or a later window (<see cref="Waiting"/>); its calls ringing and connected now; today's dials, answers and abandons.
/// </summary>
public sealed record WallboardCampaign(long Id, string Slug, string Name, bool Active, long Ready, long Waiting, long Ringing, long Connected,
    long Dialed, long Answered, long Abandoned)
{
    /// <summary>Answered calls abandoned, as a share of answered (null before the first answer).</summary>
    public double? AbandonRate => Answered == 0 ? null : (double)Abandoned / Answered;
}

/// <summary>
/// Today's (Europe/Rome day) dials of every campaign, with the two rates the wallboard shows; <c>AbandonTarget</c> is the
/// abandon ceiling as a share (0.03), from <see cref="SupervisionOptions.AbandonTargetPercent"/>.
/// </summary>
public sealed record WallboardToday(long Dialed, long Answered, long Abandoned, double AbandonTarget)
{
    /// <summary>Answered by a person, as a share of the calls placed (null before the first call).</summary>
    public double? AnswerRate => Dialed == 0 ? null : (double)Answered / Dialed;

    /// <summary>Abandoned, as a share of the answered calls (null before the first answer).</summary>
    public double? AbandonRate => Answered == 0 ? null : (double)Abandoned / Answered;

    public bool OverTarget => AbandonRate > AbandonTarget;
}

/// <summary>Calls sent to the provider in the last <see cref="WindowSeconds"/>, per second, against the account's budget.</summary>
public sealed record WallboardCps(double InUse, double Budget, int WindowSeconds);

/// <summary>
/// What a supervisor sees on the wallboard at <see cref="At"/> (docs/supervision.md "Situazione in tempo reale"): no
/// person called is named or numbered; operators are named, as colleagues see them.
/// </summary>
public sealed record WallboardSnapshot(DateTimeOffset At, IReadOnlyList<WallboardOperator> Operators, IReadOnlyList<WallboardCampaign> Campaigns,
    WallboardToday Today, WallboardCps Cps)
{
    public int OperatorsIn(PresenceState state) => Operators.Count(o => o.State == state);

    public long Ringing => Campaigns.Sum(c => c.Ringing);
    public long Connected => Campaigns.Sum(c => c.Connected);
    public long Ready => Campaigns.Sum(c => c.Ready);
    public long Waiting => Campaigns.Sum(c => c.Waiting);

    /// <summary>Seconds the operator has been in their state at <see cref="At"/>.</summary>
    public TimeSpan InState(WallboardOperator o) => o.Since < At ? At - o.Since : TimeSpan.Zero;

    /// <summary>
    /// True when <paramref name="other"/> shows the same floor: equal in everything but the moment it was read (time in state
    /// grows by itself; the page counts it on).
    /// </summary>
    public bool SameAs(WallboardSnapshot? other) =>
        other is not null && Operators.SequenceEqual(other.Operators) && Campaigns.SequenceEqual(other.Campaigns) && Today == other.Today
        && Cps == other.Cps;
}

/// <summary>
/// The supervisor's live view of the floor, read in one round trip (two statements): operators by presence, and per
/// campaign its queue, its live calls and today's dials. Read-only; every count comes from the tables the dialer keeps
/// (operator_presence, call_attempts, call_queue_ready, call_queue_delayed).
/// </summary>
public sealed class Wallboard(NpgsqlDataSource db, TimeProvider time, IOptions<DialingOptions> dialing, IOptions<SupervisionOptions> options)
{
    /// <summary>How far back "CPS in use" looks: calls sent in the last 10 seconds, divided by 10.</summary>
    public const int CpsWindowSeconds = 10;

    // Operators on the floor: every state but signed_out; the campaign of the attempt they hold.
    const string OperatorsSql = """
        SELECT o.identity AS Identity, o.display_name AS Name, p.state AS State, p.pause_reason AS PauseReason, p.since AS Since,
               c.name AS Campaign
        FROM   operator_presence p
        JOIN   operators o ON o.id = p.operator_id
        LEFT   JOIN call_attempts a ON a.id = p.attempt_id
        LEFT   JOIN campaigns c ON c.id = a.campaign_id
        WHERE  p.state <> 'signed_out'
        ORDER  BY o.display_name, o.identity;
        """;

    // Per campaign. Today's attempts by created_at (index call_attempts_created): the live calls are among them too, since
    // no call is placed outside the daytime calling windows. Ready = rows whose due time has come: a leased row's due_at
    // is its lease's expiry, so a row being dialed is not ready, and one whose lease has lapsed is (it is claimable again).
    // Both counts are index-only scans of the side tables' indexes.
    const string CampaignsSql = """
        WITH today AS (
            SELECT campaign_id,
                   count(*) FILTER (WHERE state IN ('placed', 'ended') AND placed_at IS NOT NULL
                                    AND outcome IS DISTINCT FROM 'not_placed')                 AS dialed,
                   count(*) FILTER (WHERE answered_at IS NOT NULL)                             AS answered,
                   count(*) FILTER (WHERE abandoned)                                           AS abandoned,
                   count(*) FILTER (WHERE state = 'placed' AND answered_at IS NULL)            AS ringing,
                   count(*) FILTER (WHERE state = 'placed' AND answered_at IS NOT NULL)        AS connected,
                   count(*) FILTER (WHERE sent_at > @cpsFrom AND sent_at <= @now)              AS sent
            FROM   call_attempts
            WHERE  created_at >= @dayStart
            GROUP  BY campaign_id
        ), ready AS (
            SELECT campaign_id, count(*) AS n FROM call_queue_ready WHERE due_at <= @now GROUP BY campaign_id
        ), waiting AS (
            SELECT campaign_id, count(*) AS n FROM call_queue_delayed GROUP BY campaign_id
        )
        SELECT c.id AS Id, c.slug AS Slug, c.name AS Name, c.active AS Active,
               coalesce(r.n, 0) AS Ready, coalesce(w.n, 0) AS Waiting,
               coalesce(t.ringing, 0) AS Ringing, coalesce(t.connected, 0) AS Connected,
               coalesce(t.dialed, 0) AS Dialed, coalesce(t.answered, 0) AS Answered, coalesce(t.abandoned, 0) AS Abandoned,
               coalesce(t.sent, 0) AS Sent
        FROM   campaigns c
        LEFT   JOIN today t ON t.campaign_id = c.id
        LEFT   JOIN ready r ON r.campaign_id = c.id
        LEFT   JOIN waiting w ON w.campaign_id = c.id
        WHERE  c.active OR t.campaign_id IS NOT NULL OR r.n > 0 OR w.n > 0
        ORDER  BY c.name, c.id;
        """;

    public async Task<WallboardSnapshot> ReadAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var args = new { now, dayStart = CallingCalendar.StartOfLocalDay(now), cpsFrom = now.AddSeconds(-CpsWindowSeconds) };
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var results = await conn.QueryMultipleAsync(new CommandDefinition(OperatorsSql + CampaignsSql, args, cancellationToken: ct));
        var operators = (await results.ReadAsync<OperatorRow>()).Select(r => new WallboardOperator(r.Identity, r.Name,
            SnakeCase.Parse<PresenceState>(r.State), r.PauseReason is null ? null : SnakeCase.Parse<PauseReason>(r.PauseReason), r.Since.AsUtc(),
            r.Campaign)).ToList();
        var rows = (await results.ReadAsync<CampaignRow>()).ToList();
        var campaigns = rows.Select(r => new WallboardCampaign(r.Id, r.Slug, r.Name, r.Active, r.Ready, r.Waiting, r.Ringing, r.Connected,
            r.Dialed, r.Answered, r.Abandoned)).ToList();
        var today = new WallboardToday(campaigns.Sum(c => c.Dialed), campaigns.Sum(c => c.Answered), campaigns.Sum(c => c.Abandoned),
            options.Value.AbandonTargetPercent / 100);
        var cps = new WallboardCps(Math.Round((double)rows.Sum(r => r.Sent) / CpsWindowSeconds, 2), dialing.Value.CallsPerSecond, CpsWindowSeconds);
        return new WallboardSnapshot(now, operators, campaigns, today, cps);
    }

    sealed record OperatorRow(string Identity, string Name, string State, string? PauseReason, DateTime Since, string? Campaign);

    sealed record CampaignRow(long Id, string Slug, string Name, bool Active, long Ready, long Waiting, long Ringing, long Connected, long Dialed,
        long Answered, long Abandoned, long Sent);
}
