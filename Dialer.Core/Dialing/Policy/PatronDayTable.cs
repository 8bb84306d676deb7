namespace Dialer.Core.Dialing.Policy;

/// <summary>A comune (Belfiore code) and the day of its patron saint, a local holiday every year.</summary>
public sealed record PatronDay(string ComuneCode, int Month, int Day, string Name)
{
    public bool FallsOn(DateOnly date) => date.Month == Month && date.Day == Day;
}

/// <summary>An immutable snapshot of the patron saints' days, keyed by comune. Pure lookups for the calendar.</summary>
public sealed class PatronDayTable
{
    readonly Dictionary<string, PatronDay> byComune;

    public PatronDayTable(IEnumerable<PatronDay> days) =>
        byComune = days.ToDictionary(d => d.ComuneCode, StringComparer.Ordinal);

    public static PatronDayTable Empty { get; } = new([]);

    public int Count => byComune.Count;

    /// <summary>The comune's patron day, or null when none is known.</summary>
    public PatronDay? For(string? comune) => comune is not null && byComune.TryGetValue(comune, out var day) ? day : null;

    /// <summary>Is this local date the patron day of the comune? False for an unknown or missing comune.</summary>
    public bool IsPatronDay(string? comune, DateOnly date) => For(comune)?.FallsOn(date) == true;

    /// <summary>The comuni whose patron day is this local date, in code order (for a <c>&lt;&gt; ALL(@comuni)</c> filter).</summary>
    public IReadOnlyList<string> ComuniOn(DateOnly date) =>
        byComune.Values.Where(d => d.FallsOn(date)).Select(d => d.ComuneCode).Order(StringComparer.Ordinal).ToList();
}
