using System.CommandLine;
using System.Globalization;
using Dialer.Core.Dialing.Policy;
using Dialer.Core;
using Dialer.Worker.CommandLine;

namespace Dialer.Worker.Dialing;

/// <summary>`dialer calendar holidays YEAR [--comune CODE]` and `dialer calendar patron-days apply FILE`.</summary>
static class CalendarCommands
{
    static readonly string[] ItalianDays = ["domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"];

    public static Command Calendar()
    {
        var calendar = new Command("calendar", "The calling calendar: national holidays and the patron saints' days of the comuni.");
        calendar.Subcommands.Add(Holidays());
        calendar.Subcommands.Add(PatronDays());
        return calendar;
    }

    static Command Holidays()
    {
        var year = new Argument<int>("year") { Description = "The year, e.g. 2026." };
        var comune = new Option<string?>("--comune") { Description = "Also the patron saint's day of this comune (Belfiore code, e.g. F205)." };
        var command = new Command("holidays", "Print the year's non-callable days (national holidays, and with --comune its patron saint's day), " +
            "with their Italian names. Sundays are never callable and are not listed.") { year, comune, HostCommands.MigrateFirst };
        command.SetAction(async (parse, ct) =>
        {
            var y = parse.GetValue(year);
            if (y is < 1900 or > 2200)
            {
                await Console.Error.WriteLineAsync($"error: year {y} is out of range (1900–2200).");
                return 2;
            }
            var days = ItalianHolidays.In(y).ToList();
            var code = parse.GetValue(comune);
            if (code is not null)
            {
                // Only with --comune is the database needed (the table of patron saints' days).
                var patron = await WithDatabaseAsync(parse, async services =>
                    (await services.GetRequiredService<PatronSaintDays>().TableAsync(ct)).For(code), ct);
                if (patron is null)
                {
                    await Console.Error.WriteLineAsync($"error: no patron saint's day is known for comune \"{code}\" " +
                        "(load it with `dialer calendar patron-days apply FILE`).");
                    return 2;
                }
                if (DateTime.DaysInMonth(y, patron.Month) >= patron.Day)
                    days.Add(new Holiday(new DateOnly(y, patron.Month, patron.Day), $"{patron.Name} (santo patrono, {code})"));
            }

            Console.Out.WriteLine(code is null
                ? $"Giorni festivi nazionali {y} (nessuna chiamata; le domeniche sono sempre escluse):"
                : $"Giorni non chiamabili {y} per il comune {code} (le domeniche sono sempre escluse):");
            foreach (var day in days.OrderBy(d => d.Date))
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {day.Date:yyyy-MM-dd}  {ItalianDays[(int)day.Date.DayOfWeek],-10} {day.Name}"));
            return 0;
        });
        return command;
    }

    static Command PatronDays()
    {
        var patronDays = new Command("patron-days", "The table of comuni and their patron saint's day.");
        var file = new Argument<FileInfo>("file") { Description = "CSV, one comune a line: comune_code;month;day;name (e.g. F205;12;7;Sant'Ambrogio)." };
        var apply = new Command("apply", "Create or correct the listed comuni's patron days; comuni not listed are left alone. " +
            "A file with any bad line is refused whole (exit code 2) with one message per problem.") { file, HostCommands.MigrateFirst };
        apply.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                await Console.Error.WriteLineAsync($"error: {path.FullName} does not exist.");
                return 2;
            }
            IReadOnlyList<PatronDay> days;
            try
            {
                days = PatronSaintDays.ParseCsv(await File.ReadAllTextAsync(path.FullName, ct));
            }
            catch (PatronDaysFileException ex)
            {
                foreach (var e in ex.Errors) await Console.Error.WriteLineAsync($"error: {e}");
                return 2;
            }
            await WithDatabaseAsync(parse, async services =>
            {
                await services.GetRequiredService<PatronSaintDays>().ApplyAsync(days, ct);
                return days.Count;
            }, ct);
            Console.Out.WriteLine($"Loaded the patron saint's day of {days.Count} comune(s).");
            return 0;
        });
        patronDays.Subcommands.Add(apply);
        return patronDays;
    }

    static async Task<T> WithDatabaseAsync<T>(ParseResult parse, Func<IServiceProvider, Task<T>> action, CancellationToken ct)
    {
        var builder = CommandHost.CreateBuilder();
        await using var database = await CommandHost.AttachDatabaseAsync(builder, ct);
        builder.Services.AddDialerCore(builder.Configuration);
        using var host = builder.Build();
        await HostCommands.PrepareSchemaAsync(host.Services, parse.GetValue(HostCommands.MigrateFirst), ct);
        return await action(host.Services);
    }
}
