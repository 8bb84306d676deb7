using System.CommandLine;
using System.Diagnostics;
using System.Globalization;

namespace Dialer.Worker.Notices;

/// <summary>`dialer generate`: a synthetic Città Metropolitana di Milano dataset, the same for the same seed.</summary>
static class GenerateCommand
{
    public static Command Create()
    {
        var people = new Option<int>("--people") { Description = "How many people.", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed gives the same files.", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "Folder to write notices.csv or notices.zip, contacts.csv and manifest.json into.", Required = true };
        var format = new Option<string>("--format") { Description = "csv (one notices.csv) or xml (notices.zip of UniLav documents).", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "xml");
        var asOf = new Option<string>("--as-of") { Description = "Last day notices are sent (yyyy-mm-dd); default today." };
        var mobileShare = new Option<double>("--mobile-share") { Description = "Share of people with an Italian mobile (0–1).", DefaultValueFactory = _ => 0.7 };
        var command = new Command("generate", "Write a synthetic dataset of comunicazioni obbligatorie and contact lists with a manifest of what it holds.")
        {
            people, seed, output, format, asOf, mobileShare,
        };
        command.SetAction((parse, ct) =>
        {
            var day = parse.GetValue(asOf) is { } text
                ? DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture)
                : DateOnly.FromDateTime(DateTime.Today);
            var share = parse.GetValue(mobileShare);
            if (share is < 0 or > 1 || parse.GetValue(people) < 1)
            {
                Console.Error.WriteLine("error: --people must be at least 1 and --mobile-share between 0 and 1.");
                return Task.FromResult(2);
            }
            var clock = Stopwatch.StartNew();
            var generator = new NoticeGenerator(new GeneratorOptions
            {
                People = parse.GetValue(people),
                Seed = parse.GetValue(seed),
                AsOf = day,
                MobileShare = share,
            });
            var folder = parse.GetValue(output)!;
            var manifest = NoticeDatasetWriter.Write(generator, folder, parse.GetValue(format) == "xml" ? DatasetFormat.Xml : DatasetFormat.Csv, ct);
            Console.Out.WriteLine($"Wrote {NoticeDatasetWriter.Describe(manifest)} to {folder} in {clock.Elapsed.TotalSeconds:0.0} s");
            return Task.FromResult(0);
        });
        return command;
    }
}
