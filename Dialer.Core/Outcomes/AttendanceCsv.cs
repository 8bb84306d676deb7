using System.Globalization;
using System.Text;
using Dialer.Core.Notices;

namespace Dialer.Core.Outcomes;

/// <summary>A readable row of an attendance file: its line, the person, the appointment's day (Europe/Rome) and the code.</summary>
public sealed record AttendanceRow(int Line, string PersonCf, DateOnly Day, string Attendance);

/// <summary>
/// The attendance file a CPI's own system exports (docs/appointments.md, "CSV import"): UTF-8 with or without a byte-order
/// mark, <c>;</c> between fields, the header <c>codice_fiscale;data;esito</c>, the date as <c>gg/mm/aaaa</c> or
/// <c>aaaa-mm-gg</c>, the outcome as a code or the Italian words. Pure: which rows can be read and why the others cannot.
/// </summary>
public static class AttendanceCsv
{
    public const string Header = "codice_fiscale;data;esito";

    /// <summary>More data rows than this and the file is refused whole: a CPI's day or month is far less.</summary>
    public const int MaxRows = 50_000;

    static readonly string[] DateFormats = ["dd/MM/yyyy", "d/M/yyyy", "yyyy-MM-dd"];

    /// <summary>
    /// The rows that can be read, the others with their line and reason, and how many data rows there were (blank lines
    /// are not rows). Throws <see cref="AttendanceFileException"/> when the file cannot be read at all.
    /// </summary>
    public static (IReadOnlyList<AttendanceRow> Rows, IReadOnlyList<AttendanceLineError> Errors, int DataRows) Parse(ReadOnlySpan<byte> bytes)
    {
        string text;
        try
        {
            if (bytes.StartsWith(Encoding.UTF8.Preamble)) bytes = bytes[Encoding.UTF8.Preamble.Length..];
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new AttendanceFileException(Text.T("Il file non è testo UTF-8: salvarlo come «CSV UTF-8».",
                "The file is not UTF-8 text: save it as \"CSV UTF-8\"."));
        }

        var lines = text.Split('\n');
        var header = Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (header < 0)
            throw new AttendanceFileException(Text.T($"Il file è vuoto: la prima riga deve essere «{Header}».", $"The file is empty: its first line must be \"{Header}\"."));
        if (!string.Equals(string.Join(';', Fields(lines[header])), Header, StringComparison.OrdinalIgnoreCase))
            throw new AttendanceFileException(Text.T($"Riga {header + 1}: l'intestazione deve essere «{Header}» (separatore «;»).",
                $"Line {header + 1}: the header must be \"{Header}\" (separator \";\")."));

        var rows = new List<AttendanceRow>();
        var errors = new List<AttendanceLineError>();
        var dataRows = 0;
        for (var i = header + 1; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            if (++dataRows > MaxRows)
                throw new AttendanceFileException(Text.T($"Il file ha più di {ItalianFormat.Number(MaxRows)} righe: dividerlo in file più piccoli.",
                    $"The file has more than {ItalianFormat.Number(MaxRows)} rows: split it into smaller files."));
            var line = i + 1;
            var fields = Fields(lines[i]);
            if (fields.Length != 3)
            {
                errors.Add(new(line, Text.T($"attesi 3 campi separati da «;» ({Header}), trovati {fields.Length}.",
                    $"expected 3 fields separated by \";\" ({Header}), found {fields.Length}.")));
                continue;
            }
            var problems = new List<string>();
            var cf = CodiceFiscale.Normalise(fields[0]);
            if (cf.Length == 0) problems.Add(Text.T("codice fiscale mancante", "codice fiscale missing"));
            else if (cf.Length is not (16 or 11))
                problems.Add(Text.T("il codice fiscale non ha 16 caratteri (o 11 cifre se provvisorio)", "the codice fiscale has neither 16 characters nor 11 digits"));
            if (!DateOnly.TryParseExact(fields[1], DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                problems.Add(fields[1].Length == 0
                    ? Text.T("data mancante (gg/mm/aaaa o aaaa-mm-gg)", "date missing (dd/mm/yyyy or yyyy-mm-dd)")
                    : Text.T($"la data «{fields[1]}» non è valida: gg/mm/aaaa o aaaa-mm-gg", $"the date \"{fields[1]}\" is not valid: dd/mm/yyyy or yyyy-mm-dd"));
            var attendance = Attendance.Parse(fields[2]);
            if (attendance is null)
                problems.Add(fields[2].Length == 0
                    ? Text.T($"esito mancante: uno tra {Attendance.Codes} o Presente, Assente giustificato, Assente ingiustificato, Annullato",
                        $"outcome missing: one of {Attendance.Codes} or Presente, Assente giustificato, Assente ingiustificato, Annullato")
                    : Text.T($"esito «{fields[2]}» sconosciuto: uno tra {Attendance.Codes} o Presente, Assente giustificato, Assente ingiustificato, Annullato",
                        $"unknown outcome \"{fields[2]}\": one of {Attendance.Codes} or Presente, Assente giustificato, Assente ingiustificato, Annullato"));
            if (problems.Count > 0) errors.Add(new(line, string.Join("; ", problems) + "."));
            else rows.Add(new(line, cf, day, attendance!));
        }
        return (rows, errors, dataRows);
    }

    /// <summary>The fields of a line, trimmed, without the quotes a spreadsheet may put around them; a trailing separator adds none.</summary>
    static string[] Fields(string line)
    {
        var fields = line.TrimEnd('\r').Split(';').Select(f => f.Trim()).Select(f => f.Length >= 2 && f[0] == '"' && f[^1] == '"' ? f[1..^1].Trim() : f).ToList();
        if (fields.Count > 3 && fields[^1].Length == 0) fields.RemoveAt(fields.Count - 1);
        return [.. fields];
    }
}
