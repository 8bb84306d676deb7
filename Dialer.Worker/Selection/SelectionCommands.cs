using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Dialer.Core.Audit;
using Dialer.Core.Campaigns;
using Dialer.Core.Selection;
using Dialer.Worker.CommandLine;

namespace Dialer.Worker.Selection;

/// <summary>`dialer campaign apply|list`, `dialer select`, `dialer territory apply`.</summary>
static class SelectionCommands
{
    public static Command Campaign()
    {
        var campaign = new Command("campaign", "Define and list campaigns (JSON documents; see README \"Campaigns\").");

        var file = new Argument<FileInfo>("file") { Description = "The campaign's JSON document." };
        var apply = new Command("apply", "Create or replace the campaign with the document's slug. The nightly schedule follows within a minute.") { file };
        apply.SetAction(async (parse, ct) => await WithServicesAsync(async services =>
        {
            var definition = CampaignDefinition.Parse(await File.ReadAllTextAsync(parse.GetValue(file)!.FullName, ct));
            var (stored, created) = await services.GetRequiredService<CampaignChanges>()
                .ApplyAsync(definition, new AuditEntry(AuditActors.CommandLine(), AuditActions.CampaignChanged), ct);
            Console.Out.WriteLine($"Campaign {stored.Slug} {(created ? "created" : "updated")} ({(stored.Active ? "active" : "paused")}).");
            return 0;
        }, ct));
        campaign.Subcommands.Add(apply);

        var list = new Command("list", "List the campaigns with their state, schedule and last selection.");
        list.SetAction(async (_, ct) => await WithServicesAsync(async services =>
        {
            var store = services.GetRequiredService<CampaignStore>();
            var selection = services.GetRequiredService<NightlySelection>();
            var campaigns = await store.ListAsync(ct);
            if (campaigns.Count == 0)
            {
                Console.Out.WriteLine("No campaigns yet: define one with `dialer campaign apply FILE`.");
                return 0;
            }
            Console.Out.WriteLine($"{"SLUG",-28} {"STATE",-7} {"SCHEDULE",-24} {"LAST RUN",-10} {"ADDED",7}  NAME");
            foreach (var c in campaigns)
            {
                var last = (await selection.HistoryAsync(c.Slug, 1, ct)).FirstOrDefault();
                var schedule = $"{c.Definition.Schedule.Cron} {c.Definition.Schedule.TimeZone}";
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{c.Slug,-28} {(c.Active ? "active" : "paused"),-7} {schedule,-24} {(last is null ? "never" : last.RunOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),-10} {last?.Selected,7}  {c.Name}"));
            }
            return 0;
        }, ct));
        campaign.Subcommands.Add(list);
        campaign.Subcommands.Add(Dialing.DialingCommands.Why());
        return campaign;
    }

    public static Command Select()
    {
        var slug = new Option<string>("--campaign") { Description = "The campaign's slug.", Required = true };
        var asOf = new Option<DateOnly?>("--as-of") { Description = "The selection date (default: today in the campaign's time zone)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only show the cascade: add nobody to the contact list." };
        var json = new Option<bool>("--json") { Description = "Print the cascade as JSON, for scripts." };
        var output = new Option<FileInfo?>("--output") { Description = "Also write one CSV row per person considered: codice fiscale;outcome (selected or the first rule failed)." };
        var command = new Command("select", "Run (or with --dry-run preview) a campaign's selection and print the cascade: " +
            "everyone considered, how many each rule left out in order, and how many were selected. " +
            "A second run for the same campaign and day adds nobody.") { slug, asOf, dryRun, json, output };
        command.SetAction(async (parse, ct) => await WithServicesAsync(async services =>
        {
            var campaign = await services.GetRequiredService<CampaignStore>().FindAsync(parse.GetValue(slug)!, ct)
                ?? throw new CampaignNotFoundException(parse.GetValue(slug)!);
            var zone = TimeZoneInfo.FindSystemTimeZoneById(campaign.Definition.Schedule.TimeZone);
            var day = parse.GetValue(asOf) ?? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);
            var eligibility = services.GetRequiredService<Eligibility>();

            Cascade cascade;
            string heading;
            if (parse.GetValue(dryRun))
            {
                cascade = await eligibility.PreviewAsync(campaign, day, ct);
                heading = $"Selection preview of {campaign.Slug} as of {day:yyyy-MM-dd} (dry run: nothing added)";
            }
            else
            {
                var run = await services.GetRequiredService<NightlySelection>().RunAsync(campaign.Slug, day, SelectionTrigger.Manual, ct);
                cascade = run.Cascade;
                heading = run.AlreadyRan
                    ? $"Selection of {campaign.Slug} for {day:yyyy-MM-dd} had already run: nothing added now. Its report:"
                    : $"Selection of {campaign.Slug} for {day:yyyy-MM-dd}";
            }

            if (parse.GetValue(output) is { } file)
            {
                await using var writer = new StreamWriter(file.FullName);
                await writer.WriteLineAsync("codice_fiscale;outcome");
                var rows = 0L;
                await foreach (var row in eligibility.EachPersonAsync(campaign, day, ct))
                {
                    await writer.WriteLineAsync($"{row.Cf};{row.Outcome}");
                    rows++;
                }
                await Console.Error.WriteLineAsync($"Wrote {rows} rows to {file.FullName}");
            }

            if (parse.GetValue(json)) Console.Out.WriteLine(JsonSerializer.Serialize(cascade, CampaignDefinition.Json));
            else PrintCascade(heading, cascade);
            return 0;
        }, ct));
        return command;
    }

    public static Command Territory()
    {
        var territory = new Command("territory", "The Centri per l'Impiego and the comuni each serves (loaded from Sintesi).");
        var file = new Argument<FileInfo>("file") { Description = "JSON: {\"cpis\": [{\"code\", \"name\", \"address\", \"phone\", \"comuni\": [Belfiore codes]}]}" };
        var apply = new Command("apply", "Create or replace the listed CPIs and their comuni.") { file };
        apply.SetAction(async (parse, ct) => await WithServicesAsync(async services =>
        {
            var cpis = Territories.Parse(await File.ReadAllTextAsync(parse.GetValue(file)!.FullName, ct));
            await services.GetRequiredService<Territories>().ApplyAsync(cpis, ct);
            Console.Out.WriteLine($"Loaded {cpis.Count} CPI(s) with {cpis.Sum(c => c.Comuni.Count)} comuni.");
            return 0;
        }, ct));
        territory.Subcommands.Add(apply);
        return territory;
    }

    public static void PrintCascade(string heading, Cascade cascade)
    {
        static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
        var steps = cascade.Steps.Where(s => s.Excluded > 0).ToList();
        var codeWidth = steps.Select(s => s.Rule.Length).DefaultIfEmpty(0).Max();
        var labelWidth = Math.Max(steps.Select(s => s.Label.Length).DefaultIfEmpty(0).Max(), 40);
        var numberWidth = N(cascade.Considered).Length + 1;
        var first = codeWidth + labelWidth + 3;
        Console.Out.WriteLine(heading);
        Console.Out.WriteLine($"  {"Considerate (persone con comunicazioni)".PadRight(first)} {N(cascade.Considered).PadLeft(numberWidth)}");
        foreach (var step in steps)
            Console.Out.WriteLine($"  − {step.Rule.PadRight(codeWidth)} {step.Label.PadRight(labelWidth)} {("-" + N(step.Excluded)).PadLeft(numberWidth)}  → {N(step.Remaining)}");
        Console.Out.WriteLine($"  {"Idonee".PadRight(first)} {N(cascade.Eligible).PadLeft(numberWidth)}");
        if (cascade.Added is { } added)
            Console.Out.WriteLine($"  {"Aggiunte alla lista contatti".PadRight(first)} {N(added).PadLeft(numberWidth)}");
        if (cascade.HeldOut is > 0 and var heldOut)
            Console.Out.WriteLine($"  {"  di cui nel gruppo di controllo (non chiamate)".PadRight(first)} {N(heldOut).PadLeft(numberWidth)}");
    }

    static async Task<int> WithServicesAsync(Func<IServiceProvider, Task<int>> action, CancellationToken ct)
    {
        try
        {
            return await CommandHost.WithCoreServicesAsync(action, ct);
        }
        catch (CampaignValidationException ex)
        {
            foreach (var e in ex.Errors) await Console.Error.WriteLineAsync($"error: {e}");
            return 2;
        }
        catch (CampaignNotFoundException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message} (`dialer campaign list` shows them)");
            return 2;
        }
    }
}
