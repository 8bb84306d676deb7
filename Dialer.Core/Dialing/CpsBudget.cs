using Dialer.Core.Telemetry;
using Dialer.Core.Telephony;
using Microsoft.Extensions.Options;

namespace Dialer.Core.Dialing;

/// <summary>
/// The calls-per-second budget of the Twilio account, shared by all replicas (docs/twilio-reference.md §5.1: excess creates queue at
/// Twilio and ring late). Each create takes the next slot from one row in PostgreSQL, then waits until its slot: N replicas
/// at the same moment get slots 1/CPS apart. Times are the application's clock (replicas keep NTP time), passed to the SQL
/// as a parameter: in `dialer demo` that is the simulated clock, so the budget is 1/CPS apart in simulated time.
/// </summary>
public sealed class CpsBudget(NpgsqlDataSource db, IOptions<DialingOptions> options, IOptions<TwilioOptions> twilio, TimeProvider time,
    DialerMetrics? metrics = null)
{
    /// <summary>Takes the next slot and returns when it has come (at once when the budget is idle).</summary>
    public async Task WaitForSlotAsync(CancellationToken ct)
    {
        var slot = await TakeSlotAsync(ct);
        if (slot.Wait > TimeSpan.Zero) await Task.Delay(slot.Wait, time, ct);
    }

    /// <summary>Takes the next slot: when it is, on the application's clock, and how long from now that is.</summary>
    public async Task<CpsSlot> TakeSlotAsync(CancellationToken ct)
    {
        // The slot taken is the later of now and the row's next slot; the row moves one interval past it.
        const string sql = """
            INSERT INTO telephony_cps_slots AS s (account, next_slot_at)
            VALUES (@account, @now + @interval)
            ON CONFLICT (account) DO UPDATE
            SET    next_slot_at = greatest(s.next_slot_at, @now) + @interval
            RETURNING next_slot_at - @interval AS at, extract(epoch FROM next_slot_at - @interval - @now)::float8 AS seconds
            """;
        var interval = TimeSpan.FromSeconds(1 / options.Value.CallsPerSecond);
        await using var conn = await db.OpenConnectionAsync(ct);
        var (at, seconds) = await conn.QuerySingleAsync<(DateTime At, double Seconds)>(new CommandDefinition(sql,
            new { account = twilio.Value.AccountSid, interval, now = time.GetUtcNow() }, cancellationToken: ct));
        var slot = new CpsSlot(new DateTimeOffset(at, TimeSpan.Zero), seconds > 0 ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero);
        metrics?.CpsSlotTaken(slot.Wait);
        return slot;
    }
}

/// <param name="At">The slot's instant on the application's clock; slots of one account are at least one interval apart.</param>
/// <param name="Wait">How long from the moment it was taken until the slot (zero when it is now or past).</param>
public readonly record struct CpsSlot(DateTimeOffset At, TimeSpan Wait);
