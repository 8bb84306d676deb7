using System.Globalization;
using System.Text.RegularExpressions;

namespace Dialer.Core.Dialing.Policy;

/// <summary>
/// The patron saints' days table (migration 0420): loaded once, cached, and re-read after <see cref="RefreshAfter"/>
/// so that a correction applied on another replica is seen within minutes.
/// </summary>
public sealed partial class PatronSaintDays(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>The table changes a few times a year; five minutes bounds how long another replica lags a correction.</summary>
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromMinutes(5);

    sealed record Snapshot(PatronDayTable Table, DateTimeOffset LoadedAt);

    readonly SemaphoreSlim loading = new(1, 1);
    Snapshot? current;

    /// <summary>The current table (from the cache unless it is older than <see cref="RefreshAfter"/>).</summary>
    public async Task<PatronDayTable> TableAsync(CancellationToken ct)
    {
        if (Fresh(Volatile.Read(ref current))?.Table is { } table) return table;
        await loading.WaitAsync(ct);
        try
        {
            if (Fresh(current)?.Table is { } loaded) return loaded;
            const string sql = """
                SELECT comune_code, month, day, name
                FROM   patron_saint_days
                """;
            await using var conn = await db.OpenConnectionAsync(ct);
            var rows = await conn.QueryAsync<(string Comune, short Month, short Day, string Name)>(new CommandDefinition(sql, cancellationToken: ct));
            var snapshot = new Snapshot(new PatronDayTable(rows.Select(r => new PatronDay(r.Comune, r.Month, r.Day, r.Name))), time.GetUtcNow());
            Volatile.Write(ref current, snapshot);
            return snapshot.Table;
        }
        finally
        {
            loading.Release();
        }
    }

    /// <summary>The comuni whose patron day is this local date.</summary>
    public async Task<IReadOnlyList<string>> ComuniOnAsync(DateOnly date, CancellationToken ct) => (await TableAsync(ct)).ComuniOn(date);

    /// <summary>Is this local date the comune's patron day?</summary>
    public async Task<bool> IsPatronDayAsync(string comune, DateOnly date, CancellationToken ct) => (await TableAsync(ct)).IsPatronDay(comune, date);

    /// <summary>Creates or replaces the listed comuni's days (others are left alone) and drops this process's cache.</summary>
    public async Task ApplyAsync(IReadOnlyList<PatronDay> days, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO patron_saint_days (comune_code, month, day, name, updated_at)
            SELECT comune_code, month, day, name, @now
            FROM   unnest(@comuni, @months, @days, @names) AS t (comune_code, month, day, name)
            ON CONFLICT (comune_code) DO UPDATE
            SET    month = excluded.month, day = excluded.day, name = excluded.name, updated_at = excluded.updated_at
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            comuni = days.Select(d => d.ComuneCode).ToArray(),
            months = days.Select(d => (short)d.Month).ToArray(),
            days = days.Select(d => (short)d.Day).ToArray(),
            names = days.Select(d => d.Name).ToArray(),
            now = time.GetUtcNow(),
        }, cancellationToken: ct));
        Volatile.Write(ref current, null);
    }

    /// <summary>
    /// Parses the CSV IT maintains: <c>comune_code;month;day;name</c>, one comune a line, an optional header line.
    /// A file with any bad line is refused whole, with one message per problem naming its line.
    /// </summary>
    public static IReadOnlyList<PatronDay> ParseCsv(string text)
    {
        var days = new List<PatronDay>();
        var errors = new List<string>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var line = lines[i].Trim();
            if (line.Length == 0 || (i == 0 && line.StartsWith("comune_code", StringComparison.OrdinalIgnoreCase))) continue;
            var fields = line.Split(';');
            if (fields.Length != 4)
            {
                errors.Add($"line {number}: expected 4 fields comune_code;month;day;name, found {fields.Length}.");
                continue;
            }
            var (code, monthText, dayText, name) = (fields[0].Trim(), fields[1].Trim(), fields[2].Trim(), fields[3].Trim());
            var lineErrors = errors.Count;
            if (!Belfiore().IsMatch(code)) errors.Add($"line {number}: \"{code}\" is not a Belfiore code (a letter and three digits, e.g. F205).");
            var monthOk = int.TryParse(monthText, NumberStyles.None, CultureInfo.InvariantCulture, out var month) && month is >= 1 and <= 12;
            if (!monthOk) errors.Add($"line {number}: month \"{monthText}\" is not a number from 1 to 12.");
            var dayOk = int.TryParse(dayText, NumberStyles.None, CultureInfo.InvariantCulture, out var day) && day >= 1;
            // 2024 is a leap year, so 29 February is accepted (it then falls only in leap years).
            if (!dayOk || (monthOk && day > DateTime.DaysInMonth(2024, month)))
                errors.Add($"line {number}: day \"{dayText}\" does not exist in month {monthText}.");
            if (name.Length == 0) errors.Add($"line {number}: the saint's name is empty.");
            if (seen.TryGetValue(code, out var first)) errors.Add($"line {number}: comune {code} is already on line {first}.");
            else seen[code] = number;
            if (errors.Count == lineErrors) days.Add(new PatronDay(code, month, day, name));
        }
        if (errors.Count == 0 && days.Count == 0) errors.Add("the file lists no comune.");
        return errors.Count == 0 ? days : throw new PatronDaysFileException(errors);
    }

    Snapshot? Fresh(Snapshot? snapshot) => snapshot is not null && time.GetUtcNow() - snapshot.LoadedAt < RefreshAfter ? snapshot : null;

    [GeneratedRegex("^[A-Z][0-9]{3}$")]
    private static partial Regex Belfiore();
}

public sealed class PatronDaysFileException(IReadOnlyList<string> errors)
    : Exception("The patron days file is not valid: " + string.Join(" ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
