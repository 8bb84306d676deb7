using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dialer.Core.Outcomes;
using Dialer.Core;
using Dialer.Worker.CommandLine;

namespace Dialer.Worker.Outcomes;

/// <summary>`dialer report funnel`: a campaign's funnel as a table, CSV or JSON (docs/outcomes.md "Funnel").</summary>
public static class ReportCommands
{
    public static Command Report()
    {
        var report = new Command("report", "Reports on what the campaigns achieved.");
        report.Subcommands.Add(FunnelCommand());
        return report;
    }

    static Command FunnelCommand()
    {
        var campaign = new Option<string>("--campaign") { Description = "The campaign's slug.", Required = true };
        var from = new Option<string?>("--from") { Description = "Only people first called from this date (YYYY-MM-DD; whole weeks)." };
        var to = new Option<string?>("--to") { Description = "Only people first called up to this date (YYYY-MM-DD; whole weeks)." };
        var cohort = new Option<string?>("--cohort") { Description = "Only people selected in this month (YYYY-MM)." };
        var cpi = new Option<string?>("--cpi") { Description = "Only people living in this CPI's territory (its code)." };
        var op = new Option<string?>("--operator") { Description = "Only people first spoken with by this operator (identity)." };
        var by = new Option<string>("--by") { Description = "Split by cpi, operator, week (of the first call) or cohort (month of selection).", DefaultValueFactory = _ => "none" };
        by.AcceptOnlyFromAmong("none", "cpi", "operator", "week", "cohort");
        var format = new Option<string>("--format") { Description = "table (default), csv (UTF-8 with BOM, ';') or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        var raw = new Option<bool>("--raw") { Description = "Count from the raw tables instead of the rollups (the same rules; slower)." };
        var command = new Command("funnel", "A campaign's funnel: selected, queued, dialed, answered, right person, intake, attended, placed, " +
            "retained 6 months; each with its count, its rate against the step before and against the selected; placed also against " +
            "the answered and the intakes; the control group beside.")
        {
            campaign, from, to, cohort, cpi, op, by, format, raw,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (!TryDate(parse.GetValue(from), "--from", out var fromDay) || !TryDate(parse.GetValue(to), "--to", out var toDay)
                || !TryMonth(parse.GetValue(cohort), out var cohortMonth))
                return 2;
            var builder = CommandHost.CreateBuilder();
            await using var database = await CommandHost.AttachDatabaseAsync(builder, ct);
            builder.Services.AddDialerCore(builder.Configuration);
            using var host = builder.Build();
            var funnel = host.Services.GetRequiredService<Funnel>();
            var slug = parse.GetValue(campaign)!;
            if (await funnel.CampaignIdAsync(slug, ct) is not { } campaignId)
            {
                await Console.Error.WriteLineAsync($"error: no campaign \"{slug}\" (`dialer campaign list` shows them)");
                return 2;
            }
            long? operatorId = null;
            if (parse.GetValue(op) is { } identity && (operatorId = await funnel.OperatorIdAsync(identity, ct)) is null)
            {
                await Console.Error.WriteLineAsync($"error: no operator \"{identity}\" (`dialer operator list` shows them)");
                return 2;
            }
            var filter = new FunnelFilter(campaignId) { From = fromDay, To = toDay, Cohort = cohortMonth, Cpi = parse.GetValue(cpi), OperatorId = operatorId };
            var result = await funnel.ReportAsync(filter, Enum.Parse<FunnelBy>(parse.GetValue(by)!, ignoreCase: true),
                parse.GetValue(raw) ? FunnelSource.Raw : FunnelSource.Rollup, ct);
            switch (parse.GetValue(format))
            {
                case "json":
                    Console.Out.WriteLine(JsonSerializer.Serialize(result, JsonOptions));
                    break;
                case "csv":
                    Console.Out.Write(FunnelTable.Csv(FunnelTable.Header(), FunnelTable.Rows(result)));
                    break;
                default:
                    Console.Out.WriteLine($"Campagna {result.Campaign} «{result.CampaignName}», al {ItalianFormat.Date(result.AsOf)}");
                    Console.Out.Write(FunnelTable.Aligned(FunnelTable.Header(), FunnelTable.Rows(result)));
                    break;
            }
            return 0;
        });
        return command;
    }

    static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    static bool TryDate(string? text, string name, out DateOnly? day)
    {
        day = null;
        if (text is null) return true;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            day = d;
            return true;
        }
        Console.Error.WriteLine($"error: {name} \"{text}\" is not a date such as 2026-11-30");
        return false;
    }

    static bool TryMonth(string? text, out DateOnly? month)
    {
        month = null;
        if (text is null) return true;
        if (DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            month = d;
            return true;
        }
        Console.Error.WriteLine($"error: --cohort \"{text}\" is not a month such as 2026-11");
        return false;
    }
}
