using System.CommandLine;
using System.Text.Json;
using Dialer.Core.Audit;
using Dialer.Core.Outcomes;
using Dialer.Worker.CommandLine;

namespace Dialer.Worker.Outcomes;

/// <summary>`dialer appointments import FILE.csv`: a CPI's own file of attendances (docs/appointments.md, "CSV import").</summary>
static class AppointmentCommands
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Appointments()
    {
        var command = new Command("appointments", "Appointments booked by accepted intakes, and whether the person came.");

        var file = new Argument<FileInfo>("file") { Description = "CSV with the header codice_fiscale;data;esito (UTF-8, ';' separated)." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON (for scripts) instead of text." };
        var import = new Command("import", "Record attendances from a CPI's own file: each row names an appointment by the person and its " +
            "day (gg/mm/aaaa or aaaa-mm-gg, Europe/Rome) and gives P, AG, AI, AN or the Italian words. Good rows are applied together; " +
            "each bad row is reported with its line and reason. Exit code 0 when every row applied, 1 when some were rejected, " +
            "2 when the file cannot be read.") { file, json };
        import.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(path.FullName, ct);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"error: {path.FullName}: {ex.Message}");
                return 2;
            }
            return await CommandHost.WithCoreServicesAsync(async services =>
            {
                AttendanceImport result;
                try
                {
                    result = await services.GetRequiredService<AttendanceRegister>().ImportAsync(bytes,
                        new AuditEntry(AuditActors.CommandLine(), AuditActions.AttendanceRecorded), ct);
                }
                catch (AttendanceFileException ex)
                {
                    await Console.Error.WriteLineAsync($"error: {path.Name}: {ex.Message}");
                    return 2;
                }
                Console.Out.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(result, Json) : Describe(path.Name, result));
                return result.Rejected.Count == 0 ? 0 : 1;
            }, ct);
        });
        command.Subcommands.Add(import);
        return command;
    }

    static string Describe(string name, AttendanceImport r)
    {
        var lines = new List<string>
        {
            $"{name}: {r.Rows} row(s)",
            $"  applied     {r.Applied,8}",
            $"  unchanged   {r.Unchanged,8}   (already recorded with the same outcome)",
            $"  rejected    {r.Rejected.Count,8}",
        };
        lines.AddRange(r.Rejected.Select(e => $"    line {e.Line}: {e.Reason}"));
        return string.Join(Environment.NewLine, lines);
    }
}
