using Dialer.Core.Dialing.Policy;
using Dialer.Worker.Telephony.Emulator;

namespace Dialer.Worker.Demo;

/// <summary>
/// Watches the calling floor on the demo clock (reading the database, never writing it) and moves the clock over the
/// hours when nothing may happen: when no call is under way, no simulated operator owes a disposition and nothing is
/// due before the next calling window opens (a night, a weekend, a holiday, a lunch break, a retry's wait), the clock
/// jumps to that opening. The calling windows, holidays, retries and call-backs are the product's own: the floor only
/// skips the waiting.
/// </summary>
public sealed class DemoFloor(IServiceProvider services, AcceleratedClock clock, CallingCalendar calendar, long campaignId, DemoProgress progress)
{
    /// <summary>The campaign of the live floor that `dialer demo` leaves running for the watcher (deploy/demo).</summary>
    public const string LiveCampaignSlug = "bacino-milano";

    /// <summary>The comune whose patron saint's day closes the floor (Milano: Sant'Ambrogio, 7 December).</summary>
    const string Comune = "F205";

    sealed record FloorState(long Active, long Busy, long Unfed, long Waiting, DateTime? NextDue, long Callbacks, DateTime? NextCallback);

    sealed record DayCounts(long Calls, long Answered);

    /// <summary>Until the campaign has nobody left to call (true), or <paramref name="maxDays"/> working days have passed (false).</summary>
    public async Task<bool> RunUntilDoneAsync(int maxDays, CancellationToken ct) => await RunAsync(maxDays, stopWhenDone: true, ct);

    /// <summary>The live floor: keeps moving the clock over closed hours until cancelled.</summary>
    public async Task RunLiveAsync(CancellationToken ct)
    {
        try
        {
            await RunAsync(int.MaxValue, stopWhenDone: false, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    async Task<bool> RunAsync(int maxDays, bool stopWhenDone, CancellationToken ct)
    {
        var db = services.GetRequiredService<NpgsqlDataSource>();
        var day = CallingCalendar.LocalDate(clock.GetUtcNow());
        var days = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            FloorState state;
            await using (var conn = await db.OpenConnectionAsync(ct))
                state = await conn.QuerySingleAsync<FloorState>(new CommandDefinition(StateSql, new { campaignId }, cancellationToken: ct));
            var now = clock.GetUtcNow();
            var today = CallingCalendar.LocalDate(now);
            if (today != day)
            {
                await DaySummaryAsync(db, day, ct);
                if (calendar.WindowsOn(today).Count > 0) days++;
                day = today;
            }
            var quiet = state.Active == 0 && state.Busy == 0;
            if (stopWhenDone && quiet && state.Unfed == 0 && state.Waiting == 0 && state.Callbacks == 0)
            {
                await DaySummaryAsync(db, day, ct);
                return true;
            }
            if (days > maxDays) return false;
            if (quiet)
            {
                var due = new[] { state.NextDue, state.NextCallback }.Where(d => d is not null).Select(d => new DateTimeOffset(d!.Value, TimeSpan.Zero))
                    .DefaultIfEmpty(now).Min();
                var open = calendar.IsOpen(now, Comune);
                // Nothing to do until the next opening, or until the next due contact if that is later than a minute from now.
                if (!open || (state.Unfed == 0 && due > now + TimeSpan.FromMinutes(1)))
                {
                    var target = calendar.NextOpening(due > now ? due : now, Comune);
                    if (target > now) clock.JumpTo(target);
                }
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
    }

    /// <summary>One line per calling day on the terminal: the calls made and how many a person answered.</summary>
    async Task DaySummaryAsync(NpgsqlDataSource db, DateOnly day, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var counts = await conn.QuerySingleAsync<DayCounts>(new CommandDefinition(DaySql, new
        {
            campaignId,
            from = CallingCalendar.ToUtc(day, TimeOnly.MinValue),
            to = CallingCalendar.ToUtc(day.AddDays(1), TimeOnly.MinValue),
        }, cancellationToken: ct));
        if (counts.Calls > 0) progress.Tick($"{day:ddd d MMM yyyy}: {counts.Calls:N0} calls, {counts.Answered:N0} answered by a person");
    }

    const string DaySql = """
        SELECT count(*) FILTER (WHERE state NOT IN ('preview', 'not_placed')) AS Calls,
               count(*) FILTER (WHERE answered_at IS NOT NULL AND outcome IS DISTINCT FROM 'machine') AS Answered
        FROM   call_attempts
        WHERE  campaign_id = @campaignId AND created_at >= @from AND created_at < @to
        """;

    const string StateSql = """
        SELECT (SELECT count(*) FROM call_attempts WHERE state = 'dialing') + (SELECT count(*) FROM call_attempts WHERE state = 'placed') AS Active,
               (SELECT count(*) FROM operator_presence p JOIN operators o ON o.id = p.operator_id
                WHERE p.attempt_id IS NOT NULL AND o.identity ~ '^op[0-9]+$') AS Busy,
               (SELECT count(*) FROM contact_list_entries WHERE campaign_id = @campaignId AND state = 'pending') AS Unfed,
               (SELECT count(*) FROM call_queue WHERE campaign_id = @campaignId AND state IN ('queued', 'leased')) AS Waiting,
               (SELECT min(due_at) FROM call_queue WHERE campaign_id = @campaignId AND state = 'queued') AS NextDue,
               (SELECT count(*) FROM callbacks WHERE campaign_id = @campaignId AND state IN ('scheduled', 'queued')) AS Callbacks,
               (SELECT min(due_at) FROM callbacks WHERE campaign_id = @campaignId AND state = 'scheduled') AS NextCallback
        """;
}
