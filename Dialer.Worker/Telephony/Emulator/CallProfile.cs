using System.Text.RegularExpressions;

namespace Dialer.Worker.Telephony.Emulator;

/// <summary>A range of simulated seconds; a value is drawn uniformly from it.</summary>
public sealed record DurationRange(double MinSeconds, double MaxSeconds)
{
    public TimeSpan Draw(Random random) => TimeSpan.FromSeconds(MinSeconds + random.NextDouble() * (MaxSeconds - MinSeconds));

    public string? Validate(string name) =>
        MinSeconds < 0 || MaxSeconds < MinSeconds || double.IsNaN(MinSeconds) || double.IsNaN(MaxSeconds) || MaxSeconds > 86_400
            ? $"{name} must be a range with 0 ≤ minSeconds ≤ maxSeconds ≤ 86400, not [{MinSeconds}, {MaxSeconds}]"
            : null;
}

/// <summary>
/// How the called party behaves, for the numbers matching <see cref="Pattern"/> (a glob: <c>*</c> any run, <c>?</c> one
/// character). Busy, NoAnswer and Failed are probabilities per call; the rest is answered. Of the answered calls,
/// <see cref="Machine"/> are answering machines and <see cref="AmdUnknown"/> leave AMD undecided.
/// </summary>
public sealed record CallProfile
{
    public static readonly CallProfile Default = new()
    {
        Busy = 0.05, NoAnswer = 0.15, Failed = 0.02, Machine = 0.1,
        Ring = new(3, 12), Talk = new(30, 180), Detection = new(2, 4),
    };

    public static readonly CallProfile Operator = new() { Pattern = "client:*", Ring = new(1, 3), Talk = new(60, 240) };

    public string Pattern { get; init; } = "*";
    public double Busy { get; init; }
    public double NoAnswer { get; init; }
    public double Failed { get; init; }
    public double Machine { get; init; }
    public double AmdUnknown { get; init; }

    /// <summary>From ringing to answer (or to busy). A ring longer than the call's Timeout becomes no-answer.</summary>
    public DurationRange Ring { get; init; } = new(3, 12);

    /// <summary>From answer until the called party hangs up, unless the TwiML or the API ends the call first.</summary>
    public DurationRange Talk { get; init; } = new(30, 180);

    /// <summary>How long answering machine detection takes to decide.</summary>
    public DurationRange Detection { get; init; } = new(2, 4);

    public bool Matches(string number) =>
        Regex.IsMatch(number, "^" + Regex.Escape(Pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Pattern)) return "pattern must not be empty";
        foreach (var (name, p) in new[] { ("busy", Busy), ("noAnswer", NoAnswer), ("failed", Failed), ("machine", Machine), ("amdUnknown", AmdUnknown) })
            if (p is < 0 or > 1 || double.IsNaN(p)) return $"profile '{Pattern}': {name} must be a probability between 0 and 1, not {p}";
        if (Busy + NoAnswer + Failed > 1 + 1e-9) return $"profile '{Pattern}': busy + noAnswer + failed must not exceed 1 (it is {Busy + NoAnswer + Failed})";
        if (Machine + AmdUnknown > 1 + 1e-9) return $"profile '{Pattern}': machine + amdUnknown must not exceed 1";
        return Ring.Validate($"profile '{Pattern}': ring") ?? Talk.Validate($"profile '{Pattern}': talk")
            ?? Detection.Validate($"profile '{Pattern}': detection");
    }
}

public enum CallOutcome { Answered, Busy, NoAnswer, Failed }

public enum AnsweringParty { Human, Machine, Unknown }

/// <summary>
/// Everything chance decides about one call, drawn once when the call is created, in creation order, so that the
/// same seed and the same sequence of creates give the same timelines whatever the timing.
/// </summary>
public sealed record CallScript(CallOutcome Outcome, AnsweringParty Party, TimeSpan Ring, TimeSpan Talk, TimeSpan Detection, int FaultSeed)
{
    public static CallScript Draw(CallProfile profile, Random random)
    {
        var roll = random.NextDouble();
        var outcome = roll < profile.Busy ? CallOutcome.Busy
            : roll < profile.Busy + profile.NoAnswer ? CallOutcome.NoAnswer
            : roll < profile.Busy + profile.NoAnswer + profile.Failed ? CallOutcome.Failed
            : CallOutcome.Answered;
        var party = random.NextDouble() is var p && p < profile.Machine ? AnsweringParty.Machine
            : p < profile.Machine + profile.AmdUnknown ? AnsweringParty.Unknown
            : AnsweringParty.Human;
        return new(outcome, party, profile.Ring.Draw(random), profile.Talk.Draw(random), profile.Detection.Draw(random), random.Next());
    }
}
