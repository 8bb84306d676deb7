namespace Dialer.Core.Outcomes;

/// <summary>
/// An appointment's attendance, ANPAL's DEC_ESITO_CONVOCAZIONE (docs/appointments.md): the code, and its words in Italian
/// and English. A CPI's own system may write either the code or the Italian words.
/// </summary>
public static class Attendance
{
    public const string Present = "P";
    public const string JustifiedAbsence = "AG";
    public const string UnjustifiedAbsence = "AI";
    public const string Cancelled = "AN";

    static readonly (string Code, string Italian, string English)[] Catalogue =
    [
        (Present, "Presente", "Present"),
        (JustifiedAbsence, "Assente giustificato", "Absent, justified"),
        (UnjustifiedAbsence, "Assente ingiustificato", "Absent, unjustified"),
        (Cancelled, "Annullato", "Cancelled"),
    ];

    /// <summary>Every code in the order the page offers them, with its label in the reader's language.</summary>
    public static IReadOnlyList<(string Code, string Label)> All => [.. Catalogue.Select(a => (a.Code, Text.T(a.Italian, a.English)))];

    /// <summary>"P, AG, AI, AN".</summary>
    public static string Codes => string.Join(", ", Catalogue.Select(a => a.Code));

    /// <summary>The label of a code in the reader's language; "" for none.</summary>
    public static string Label(string? code) =>
        Catalogue.FirstOrDefault(a => a.Code == code) is { Code: not null } known ? Text.T(known.Italian, known.English) : code ?? "";

    /// <summary>
    /// The code for a code (any case) or the Italian words (any case, spaces collapsed: "assente  giustificato"); null for
    /// anything else.
    /// </summary>
    public static string? Parse(string? raw)
    {
        if (raw is null) return null;
        var words = string.Join(' ', raw.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        foreach (var (code, italian, _) in Catalogue)
        {
            if (string.Equals(words, code, StringComparison.OrdinalIgnoreCase) || string.Equals(words, italian, StringComparison.OrdinalIgnoreCase))
                return code;
        }
        return null;
    }
}

/// <summary>Where an attendance was recorded from, as the column attendance_source has it.</summary>
public enum AttendanceSource { Page, Api, Import }

/// <summary>
/// One appointment as the CPI's desk sees it: when, who (the person's name; never the codice fiscale), how, why, and its
/// attendance with who recorded it, when and through what.
/// </summary>
public sealed record AppointmentView(long Id, string Cpi, DateTimeOffset StartsAt, string PersonName, string Channel, string Reason,
    string? Attendance, DateTimeOffset? AttendanceRecordedAt, string? AttendanceSource, string? AttendanceRecordedBy)
{
    public bool InFuture(DateTimeOffset now) => StartsAt > now;
}

/// <summary>A CPI's appointments over days (Europe/Rome, both included), earliest first.</summary>
public sealed record AppointmentList(string Cpi, string CpiName, DateOnly From, DateOnly To, IReadOnlyList<AppointmentView> Appointments);

/// <summary>What recording one attendance did: <see cref="Changed"/> false when it already had that value (nothing written).</summary>
public sealed record AttendanceChange(long AppointmentId, string Attendance, string? Previous, bool Changed, DateTimeOffset RecordedAt);

/// <summary>A row of an attendance file that was not applied: its line number in the file (the header is line 1) and why.</summary>
public sealed record AttendanceLineError(int Line, string Reason);

/// <summary>
/// What an attendance file did: data rows read, rows applied (attendance written), rows that already said the same,
/// and the rejected rows, each with its line and reason. Rejected rows change nothing; the others are applied together.
/// </summary>
public sealed record AttendanceImport(int Rows, int Applied, int Unchanged, IReadOnlyList<AttendanceLineError> Rejected);

/// <summary>Bad values for an attendance or a list of appointments; each error reads "field: what is wrong".</summary>
public sealed class AttendanceValidationException(IReadOnlyList<string> errors) : Exception(string.Join(" ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>No such appointment (or not one the asker may see).</summary>
public sealed class AppointmentNotFoundException(long appointmentId)
    : Exception(Text.T($"Nessun appuntamento {appointmentId}.", $"No appointment {appointmentId}."))
{
    public long AppointmentId { get; } = appointmentId;
}

/// <summary>An attendance file that cannot be read at all (not UTF-8, no header, the wrong header): nothing was applied.</summary>
public sealed class AttendanceFileException(string message) : Exception(message);
