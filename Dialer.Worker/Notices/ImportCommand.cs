using System.CommandLine;
using System.Text.Json;
using Dialer.Api.Logging;
using Dialer.Core.Notices;
using Dialer.Core;
using Dialer.Worker.CommandLine;

namespace Dialer.Worker.Notices;

/// <summary>`dialer import`: notice and contact files into the database, with a summary.</summary>
static class ImportCommand
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "UniLav XML files, zips of them, notices CSV or contacts CSV files, or folders holding them.",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON (for scripts) instead of text." };
        var command = new Command("import", "Import comunicazioni obbligatorie and contact lists. Re-importing a file changes nothing; " +
            "rejected records go to the quarantine with their reason. Exit code 0 when done (even with quarantined records), 2 when a path does not exist.")
        {
            paths, json, HostCommands.MigrateFirst,
        };
        command.SetAction(async (parse, ct) =>
        {
            var inputs = NoticeInput.FromPaths(parse.GetValue(paths)!);
            List<NoticeInput> files;
            try
            {
                files = inputs.ToList();
            }
            catch (FileNotFoundException ex)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message}");
                return 2;
            }

            var builder = CommandHost.CreateBuilder();
            await using var database = await CommandHost.AttachDatabaseAsync(builder, ct);
            builder.Services.AddDialerCore(builder.Configuration);
            using var host = builder.Build();
            // dialer.import.rows (and the import's spans) reach the collector when OTEL_EXPORTER_OTLP_ENDPOINT is set
            TelemetryRegistration.StartForCommand(host.Services);
            await HostCommands.PrepareSchemaAsync(host.Services, parse.GetValue(HostCommands.MigrateFirst), ct);

            var asJson = parse.GetValue(json);
            var summary = await host.Services.GetRequiredService<NoticeIngest>().RunAsync(files, asJson ? null : new ImportProgressBar(files.Count), ct);
            Console.Out.WriteLine(asJson ? JsonSerializer.Serialize(summary, Json) : Describe(summary));
            return 0;
        });
        return command;
    }

    public static string Describe(ImportSummary s)
    {
        var lines = new List<string>
        {
            $"Imported {s.Files} file(s) in {s.Elapsed.TotalSeconds:0.0} s",
            $"  read          {s.Read,12:N0}",
            $"  imported      {s.Imported,12:N0}",
            $"  corrected     {s.Corrected,12:N0}",
            $"  cancelled     {s.Cancelled,12:N0}",
            $"  duplicates    {s.Duplicates,12:N0}",
            $"  contacts      {s.Contacts,12:N0}",
            $"  quarantined   {s.Quarantined,12:N0}",
        };
        lines.AddRange(s.QuarantinedByReason.OrderByDescending(r => r.Value).Select(r => $"    {r.Key,-28}{r.Value,8:N0}"));
        lines.Add($"  people updated{s.People,12:N0}");
        // provisional codes linked to their definitive code: rows of their own, never selected (docs/notices-limits.md)
        lines.Add($"  superseded provisional codes{s.SupersededProvisional,8:N0} (kept with their successor, not selectable)");
        return string.Join(Environment.NewLine, lines);
    }
}

/// <summary>A one-line progress bar over the files on a terminal; nothing when output is redirected.</summary>
sealed class ImportProgressBar(int totalFiles) : IProgress<ImportProgress>
{
    const int Width = 30;
    readonly bool interactive = !Console.IsOutputRedirected;

    public void Report(ImportProgress value)
    {
        if (!interactive || totalFiles == 0) return;
        var done = value.CurrentFile is null ? totalFiles : Math.Max(0, value.Files - 1);
        var filled = done * Width / totalFiles;
        var name = value.CurrentFile is { Length: > 30 } f ? "…" + f[^29..] : value.CurrentFile ?? "done";
        Console.Out.Write($"\r[{new string('#', filled)}{new string('.', Width - filled)}] {value.Files}/{totalFiles} files, {value.Records:N0} records {name,-30}");
        if (value.CurrentFile is null) Console.Out.WriteLine();
    }
}
