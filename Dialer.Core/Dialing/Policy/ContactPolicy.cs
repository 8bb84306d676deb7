using Dialer.Core.Campaigns;

namespace Dialer.Core.Dialing.Policy;

/// <summary>
/// What the engine knows about a person when deciding whether to ring them now. Attempts are counted across ALL
/// campaigns; "today" is the Europe/Rome local day (count from <see cref="CallingCalendar.StartOfLocalDay"/>).
/// Attempts that never reached the network (outcome <c>not_placed</c>) should not be counted.
/// </summary>
public sealed record ContactFacts
{
    /// <summary>The comune of domicile (Belfiore code), whose patron saint's day is a holiday for the person.</summary>
    public string? Comune { get; init; }
    public int AttemptsToday { get; init; }
    public int AttemptsTotal { get; init; }

    /// <summary>The last attempt's provider outcome (answered, busy, no_answer, machine, failed, canceled, not_placed), if any.</summary>
    public string? LastOutcome { get; init; }

    /// <summary>When the last attempt ended; required with <see cref="LastOutcome"/>.</summary>
    public DateTimeOffset? LastAttemptEndedAt { get; init; }

    /// <summary>The last call the person answered and no operator took.</summary>
    public DateTimeOffset? LastAbandonedAt { get; init; }

    public bool ObjectionActive { get; init; }
    public bool NumberFlagged { get; init; }

    /// <summary>The time the person chose for a call back, if one is scheduled.</summary>
    public DateTimeOffset? CallbackAt { get; init; }

    /// <summary>
    /// The operator a personal call-back belongs to (the earliest still open), unless it is more than
    /// ContactHistory.PersonalCallbackGrace overdue: then the team takes it, so nobody waits for an operator who is away.
    /// </summary>
    public string? CallbackOperator { get; init; }
}

public enum PolicyVerdict
{
    /// <summary>Ring now.</summary>
    Dial,
    /// <summary>Not now: ask again at <see cref="PolicyDecision.NotBefore"/>.</summary>
    NotBefore,
    /// <summary>Never again (for this number or person).</summary>
    Stop,
}

/// <summary>
/// The policy's answer. <see cref="Reason"/> is from <see cref="PolicyReasons"/>; <see cref="NotBefore"/> is always an
/// instant at which the calendar is open; <see cref="FlagNumber"/> asks the engine to add the number to flagged_numbers.
/// </summary>
public sealed record PolicyDecision(PolicyVerdict Verdict, string? Reason = null, DateTimeOffset? NotBefore = null, bool FlagNumber = false)
{
    public static PolicyDecision Dial { get; } = new(PolicyVerdict.Dial);

    public static PolicyDecision Wait(DateTimeOffset notBefore, string reason) => new(PolicyVerdict.NotBefore, reason, notBefore);

    public static PolicyDecision Stop(string reason, bool flagNumber = false) => new(PolicyVerdict.Stop, reason, FlagNumber: flagNumber);

    /// <summary>The reason's Italian label, for supervisors; null when dialing.</summary>
    public string? Label => Reason is null ? null : PolicyReasons.Label(Reason);
}

/// <summary>
/// The Italian contact policy of one campaign (README "Contact policy"): applied to every dial, callbacks included,
/// in Europe/Rome time. Pure and cheap to build: construct one per campaign with the current patron-day table.
/// </summary>
public sealed class ContactPolicy(DialingSettings settings, PatronDayTable patronDays)
{
    // "The next half-day": a morning attempt is retried in the afternoon, an afternoon one the next morning.
    static readonly TimeOnly Midday = new(13, 0);

    public CallingCalendar Calendar { get; } = new(settings.Windows, patronDays);

    public DialingSettings Settings => settings;

    /// <summary>Dial, NotBefore(time, reason) or Stop(reason) for this person at <paramref name="now"/>.</summary>
    /// <exception cref="ArgumentException">An unknown outcome, or an outcome without the time the attempt ended.</exception>
    public PolicyDecision Decide(ContactFacts facts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.NumberFlagged) return PolicyDecision.Stop(PolicyReasons.NumberFlagged);
        if (facts.ObjectionActive) return PolicyDecision.Stop(PolicyReasons.Objection);
        if (facts.LastOutcome == "failed") return PolicyDecision.Stop(PolicyReasons.NumberFlagged, flagNumber: true);

        // A call back at the time the person chose is their request: it is exempt from the attempt caps and the
        // retry delays, but never from the calendar, the objection register, a flagged number or the cool-off.
        var isCallback = facts.CallbackAt is not null;
        if (!isCallback && facts.AttemptsTotal >= settings.MaxAttemptsTotal) return PolicyDecision.Stop(PolicyReasons.TotalCapReached);

        var waits = new List<(DateTimeOffset Earliest, string Reason)>();
        if (facts.LastAbandonedAt is { } abandoned)
            waits.Add((abandoned.AddDays(settings.AbandonedCoolOffDays), PolicyReasons.AbandonedCoolOff));
        if (facts.CallbackAt is { } callback)
        {
            // The person chose a time the calendar forbids (a holiday evening): say why, and offer the next opening.
            var reason = Calendar.ClosedReason(callback, facts.Comune) ?? PolicyReasons.CallbackScheduled;
            waits.Add((callback, reason));
        }
        else
        {
            if (facts.AttemptsToday >= settings.MaxAttemptsPerDay)
                waits.Add((CallingCalendar.StartOfNextLocalDay(now), PolicyReasons.DailyCapReached));
            if (RetryAfter(facts) is { } retry) waits.Add(retry);
        }

        var latest = waits.Where(w => w.Earliest > now).OrderByDescending(w => w.Earliest).FirstOrDefault();
        if (latest.Reason is not null) return PolicyDecision.Wait(Calendar.NextOpening(latest.Earliest, facts.Comune), latest.Reason);

        return Calendar.ClosedReason(now, facts.Comune) is { } closed
            ? PolicyDecision.Wait(Calendar.NextOpening(now, facts.Comune), closed)
            : PolicyDecision.Dial;
    }

    (DateTimeOffset Earliest, string Reason)? RetryAfter(ContactFacts facts)
    {
        if (facts.LastOutcome is null or "answered" or "canceled" or "not_placed") return null;
        if (facts.LastAttemptEndedAt is not { } ended)
            throw new ArgumentException($"LastAttemptEndedAt is required with LastOutcome \"{facts.LastOutcome}\".", nameof(facts));
        return facts.LastOutcome switch
        {
            "busy" => (ended.AddMinutes(settings.Retry.BusyMinutes), PolicyReasons.RetryDelayBusy),
            "no_answer" => (After(ended, settings.Retry.NoAnswer), PolicyReasons.RetryDelayNoAnswer),
            "machine" => (After(ended, settings.Retry.Machine), PolicyReasons.RetryDelayMachine),
            _ => throw new ArgumentException(
                $"Unknown outcome \"{facts.LastOutcome}\": expected answered, busy, no_answer, machine, failed, canceled or not_placed.", nameof(facts)),
        };
    }

    DateTimeOffset After(DateTimeOffset ended, RetryStep step)
    {
        if (step == RetryStep.NextDay) return CallingCalendar.StartOfNextLocalDay(ended);
        var local = CallingCalendar.ToLocal(ended);
        var date = DateOnly.FromDateTime(local.DateTime);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var halfDay = time < Midday ? CallingCalendar.ToUtc(date, Midday) : CallingCalendar.StartOfNextLocalDay(ended);
        // Never inside the window the attempt was made in, whatever the campaign's windows look like.
        var window = Calendar.WindowsOn(date).Where(w => time >= w.From && time < w.To).Select(w => (TimeOnly?)w.To).FirstOrDefault();
        var windowEnd = window is { } to ? CallingCalendar.ToUtc(date, to) : ended;
        return halfDay > windowEnd ? halfDay : windowEnd;
    }
}
