using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dialer.Core.Accounts;
using Dialer.Core.Audit;
using Dialer.Core.Campaigns;
using Dialer.Core.Dialing.Policy;
using Dialer.Core.Notices;
using Dialer.Core.Operators;
using Dialer.Core.Outcomes;
using Dialer.Core.Selection;
using Dialer.Worker.Telephony.Emulator;

namespace Dialer.Worker.Demo;

/// <summary>The demo's options (docs/demo.md "Options").</summary>
public sealed record DemoOptions(int People, int Seed, double Speed, int Operators, bool Headless, bool Json, bool Reset);

/// <summary>The demo's two accounts for the person watching, printed on the terminal (demo only).</summary>
public sealed record DemoAccounts(string SupervisorUser, string SupervisorPassword, string OperatorUser, string OperatorPassword);

/// <summary>
/// Cob23 end to end through the real pipeline (docs/demo.md): a synthetic Città metropolitana di Milano imported by the
/// normal ingest, the demo territory and the Cob23 campaign, the nightly selection, simulated operators working the queue
/// through the HTTP API in progressive mode against the Twilio emulator, the CPI marking attendance, then the months after
/// the calls, whose hiring notices the simulated employers file as UniLav XML; finally the funnel the product measured
/// beside the simulation's own truth. Everything runs on one <see cref="AcceleratedClock"/> that starts on the night
/// before Monday 3 April 2023 (Cob23's start) and jumps over the hours when nothing may happen.
/// </summary>
public sealed class DemoScenario(IServiceProvider services, Uri api, AcceleratedClock clock, TwilioEmulator emulator, DemoOptions options,
    DemoProgress progress)
{
    public const string CampaignSlug = "cob23-donne-30-44";
    public const string SimulatedOperatorPrefix = "op";

    /// <summary>Cob23 started in April 2023 (docs/demo.md): the nightly selection runs for Monday 3 April 2023.</summary>
    public static readonly DateOnly SelectionDay = new(2023, 4, 3);

    /// <summary>02:00 in Rome on the selection day: the nightly batch's hour.</summary>
    public static DateTimeOffset Start => CallingCalendar.ToUtc(SelectionDay, new TimeOnly(2, 0));

    /// <summary>Working days of calls after which the scenario stops waiting (a queue that never empties is reported).</summary>
    const int MaxCallingDays = 40;

    readonly BehaviourModel model = BehaviourModel.Load(Path.Combine(DemoFiles.Folder, BehaviourModel.FileName));

    public async Task<DemoResult> RunAsync(DemoAccounts accounts, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var work = Directory.CreateTempSubdirectory("dialer-demo-");
        try
        {
            // 1. The territory, the population, through the normal ingest
            progress.Stage("Territorio", "the demo territory (Afol Metropolitana's 9 CPIs; illustrative comune → CPI table)");
            var territory = Territories.Parse(await File.ReadAllTextAsync(Path.Combine(DemoFiles.Folder, DemoFiles.Territory), ct));
            await services.GetRequiredService<Territories>().ApplyAsync(territory, ct);
            var cpiOf = territory.SelectMany(c => c.Comuni.Select(comune => (comune, c.Code))).ToDictionary(x => x.comune, x => x.Code, StringComparer.Ordinal);

            progress.Stage("Popolazione", $"a synthetic Città metropolitana di Milano: a pool of {options.People:N0} people out of work for 6 months, seed {options.Seed}");
            var population = DemoPopulation.Generate(options.People, options.Seed, SelectionDay);
            var csv = Path.Combine(work.FullName, "notices.csv");
            population.WriteCsv(csv);
            var imported = await services.GetRequiredService<NoticeIngest>().RunAsync(NoticeInput.FromPaths([csv]), null, ct);
            progress.Done($"{imported.Read:N0} notices read, {imported.Imported:N0} imported, {imported.Quarantined:N0} quarantined; " +
                $"Cob23 cohort {population.Cohort.Count:N0} women aged 30–44 in the Comune di Milano");

            // 2. The campaign, the accounts
            var definition = CampaignDefinition.Parse(await File.ReadAllTextAsync(Path.Combine(ShippedCampaignsFolder, CampaignSlug + ".json"), ct), CampaignSlug);
            var by = new AuditEntry("dialer demo", AuditActions.CampaignChanged, ActorRole: "admin");
            await services.GetRequiredService<CampaignChanges>().ApplyAsync(definition, by, ct);
            // The live floor's campaign, dialed after the scenario (DemoLive): nobody is on its list until its own selection.
            await services.GetRequiredService<CampaignChanges>().ApplyAsync(CampaignDefinition.Parse(
                await File.ReadAllTextAsync(Path.Combine(DemoFiles.Folder, DemoFiles.LiveCampaign), ct), DemoFloor.LiveCampaignSlug), by, ct);
            var operators = await AccountsAsync(accounts, definition, cpiOf, ct);

            // 3. The nightly selection
            progress.Stage("Selezione notturna", $"{CampaignSlug} for {SelectionDay:dddd d MMMM yyyy}, 02:00");
            var run = await services.GetRequiredService<NightlySelection>().RunAsync(CampaignSlug, SelectionDay, SelectionTrigger.Schedule, ct);
            progress.Done($"{run.Cascade.Added ?? run.Cascade.Eligible:N0} on the contact list, {run.Cascade.HeldOut ?? 0:N0} of them held out as the control group ({definition.ControlShare:P0})");
            var world = new SimulatedPeople(model, population.Cohort, CampaignSlug, definition.ControlShare, definition.Dialing.MaxAttemptsTotal,
                options.Seed, clock);
            emulator.Scripts = world.Script;

            // 4. The calls
            var campaignId = (await services.GetRequiredService<CampaignStore>().FindAsync(CampaignSlug, ct))!.Id;
            var calendar = new CallingCalendar(definition.Dialing.Windows, await services.GetRequiredService<PatronSaintDays>().TableAsync(ct));
            var floor = new DemoFloor(services, clock, calendar, campaignId, progress);
            progress.Stage("Chiamate", $"{options.Operators} simulated operators in progressive mode, from {CallingCalendar.ToLocal(calendar.NextOpening(clock.GetUtcNow(), "F205")):dddd d MMMM HH:mm}");
            using (var shift = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                var working = operators.Select(o => new SimulatedOperator(o.Identity, o.Password, api, world, model, clock,
                    comune => cpiOf.GetValueOrDefault(comune) ?? cpiOf["F205"], options.Seed)).ToList();
                var tasks = working.Select(o => o.RunAsync(shift.Token)).ToList();
                var finished = await floor.RunUntilDoneAsync(MaxCallingDays, ct);
                await shift.CancelAsync();
                await Task.WhenAll(tasks);
                var refused = working.Sum(o => o.Refused);
                if (refused > 0) progress.Warn($"{refused} disposition(s) refused by the API; last: {working.First(o => o.LastProblem is not null).LastProblem}");
                if (!finished) progress.Warn($"the queue was not empty after {MaxCallingDays} working days of calls");
            }
            emulator.Scripts = null;

            // 5. The CPI marks attendance, from its own file, once the last appointment is past
            await AttendanceAsync(world, accounts, ct);

            // 6. The months after: the employers' hiring notices, month by month
            await MonthsAfterAsync(world, population, ct);

            // 7. The funnel measured against the truth
            var funnel = await services.GetRequiredService<Funnel>().ReportAsync(new FunnelFilter(campaignId), FunnelBy.None, FunnelSource.Rollup, ct);
            return DemoResult.Compare(funnel, world, definition.ControlShare, DateTimeOffset.UtcNow - started, clock.GetUtcNow());
        }
        finally
        {
            emulator.Scripts = null;
            try
            {
                work.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>The folder of the shipped campaign files (copied beside the executable).</summary>
    public static string ShippedCampaignsFolder => Campaigns.ShippedCampaigns.Folder;

    /// <summary>The watcher's supervisor and operator, and the simulated operators (accounts with random passwords, operator profiles).</summary>
    async Task<IReadOnlyList<(string Identity, string Password)>> AccountsAsync(DemoAccounts accounts, CampaignDefinition definition,
        IReadOnlyDictionary<string, string> cpiOf, CancellationToken ct)
    {
        var milano = cpiOf["F205"];
        await WatcherAccountsAsync(services, accounts, ct);
        // The watcher's operator takes calls of the live floor after the scenario, never Cob23's: the truth knows only the simulated operators' answers.
        await services.GetRequiredService<OperatorDirectory>().SaveAsync(
            new OperatorProfile(accounts.OperatorUser, "Operatore demo", milano, Campaigns: [DemoFloor.LiveCampaignSlug]), ct);
        return await SimulatedOperatorsAsync(services, options.Operators, milano, ct, definition.Slug);
    }

    /// <summary>The Comune di Milano's CPI in the territory loaded.</summary>
    public static async Task<string> MilanCpiAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var conn = await services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(ct);
        return await conn.QuerySingleAsync<string>(new CommandDefinition(
            "SELECT min(cpi_code) FROM cpi_comuni WHERE comune_code = 'F205'", cancellationToken: ct));
    }

    /// <summary>The simulated operators' accounts (new random passwords, never printed) and operator profiles.</summary>
    public static async Task<IReadOnlyList<(string Identity, string Password)>> SimulatedOperatorsAsync(IServiceProvider services, int count, string cpi,
        CancellationToken ct, string? campaign = null)
    {
        var users = services.GetRequiredService<UserAccounts>();
        var directory = services.GetRequiredService<OperatorDirectory>();
        var list = new List<(string, string)>();
        for (var i = 1; i <= count; i++)
        {
            var identity = $"{SimulatedOperatorPrefix}{i:D2}";
            var password = NewPassword();
            await EnsureAccountAsync(users, identity, OperatorName(i), UserRole.Operator, password, ct);
            var campaigns = campaign is null ? new[] { DemoFloor.LiveCampaignSlug } : [campaign, DemoFloor.LiveCampaignSlug];
            await directory.SaveAsync(new OperatorProfile(identity, OperatorName(i), cpi, Campaigns: campaigns), ct);
            list.Add((identity, password));
        }
        return list;
    }

    /// <summary>The watcher's supervisor and operator accounts, created or given this start's passwords.</summary>
    public static async Task WatcherAccountsAsync(IServiceProvider services, DemoAccounts accounts, CancellationToken ct)
    {
        var users = services.GetRequiredService<UserAccounts>();
        await EnsureAccountAsync(users, accounts.SupervisorUser, "Supervisore demo", UserRole.Supervisor, accounts.SupervisorPassword, ct);
        await EnsureAccountAsync(users, accounts.OperatorUser, "Operatore demo", UserRole.Operator, accounts.OperatorPassword, ct);
    }

    static async Task EnsureAccountAsync(UserAccounts users, string username, string name, UserRole role, string password, CancellationToken ct)
    {
        if (await users.FindAsync(username, ct) is null) await users.AddAsync(username, name, role, password, ct);
        else await users.UpdateAsync(username, name, role, active: true, password, ct);
    }

    static readonly string[] Names = ["Anna", "Bruno", "Carla", "Davide", "Elena", "Franco", "Giulia", "Hamid", "Irene", "Luca", "Marta", "Nicola",
        "Olga", "Paolo", "Rita", "Sergio", "Teresa", "Umberto", "Valeria", "Walter"];

    static string OperatorName(int i) => $"{Names[(i - 1) % Names.Length]} (operatore simulato {i:D2})";

    /// <summary>A random password: printed only for the watcher's two accounts, never for the simulated operators.</summary>
    public static string NewPassword() => "demo-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>
    /// After the last appointment, the CPI marks who came (P) and who did not (AI, AG, AN), from its own file of
    /// attendances, sent through the API as a CPI would (<c>POST /api/appointments/attendance</c>).
    /// </summary>
    async Task AttendanceAsync(SimulatedPeople world, DemoAccounts accounts, CancellationToken ct)
    {
        var booked = world.People.Where(p => p.AppointmentDay is not null).ToList();
        progress.Stage("Appuntamenti", $"{booked.Count:N0} intake appointments at the CPI; the CPI sends its attendance file");
        if (booked.Count == 0) return;
        var last = booked.Max(p => p.AppointmentDay!.Value);
        clock.JumpTo(CallingCalendar.ToUtc(last, new TimeOnly(19, 0)));
        var csv = new StringBuilder(AttendanceCsv.Header).Append('\n');
        var absences = new[] { "AI", "AG", "AN" };
        foreach (var person in booked)
        {
            var mark = person.PlanAttends ? "P" : absences[Math.Abs(SimulatedPeople.StableHash(options.Seed, "absence", person.Person.Cf)) % absences.Length];
            csv.Append(CultureInfo.InvariantCulture, $"{person.Person.Cf};{person.AppointmentDay:dd/MM/yyyy};{mark}\n");
        }
        using var cpi = await SignedInAsync(accounts.SupervisorUser, accounts.SupervisorPassword, ct);
        using var response = await cpi.PostAsync("/api/appointments/attendance", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            progress.Warn($"the attendance file was refused: {(int)response.StatusCode} {body}");
            return;
        }
        var result = JsonSerializer.Deserialize<AttendanceImport>(body, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        var rejected = result.Rejected.Select(r => r.Line).ToHashSet();
        for (var i = 0; i < booked.Count; i++)
            if (booked[i].PlanAttends && !rejected.Contains(i + 2)) booked[i].Attended = true;
        progress.Done($"{result.Applied:N0} attendances recorded, {booked.Count(p => p.Attended):N0} present; {result.Rejected.Count} rows refused");
    }

    /// <summary>The months after the calls: each month, the hiring notices the employers sent (UniLav XML) are imported.</summary>
    async Task MonthsAfterAsync(SimulatedPeople world, DemoPopulation population, CancellationToken ct)
    {
        var random = new Random(options.Seed);
        var code = 0L;
        var notices = new List<(DateOnly Sent, RawNotice Notice)>();
        foreach (var person in world.People.Where(p => p.PlanHired))
        {
            var days = model.Hiring.DaysAfter.Value;
            var from = person.IntakeAt is { } intake ? CallingCalendar.LocalDate(intake)
                : person.AnsweredAt is { } answered ? CallingCalendar.LocalDate(answered) : SelectionDay;
            var start = from.AddDays((int)Math.Round(days[0] + random.NextDouble() * (days[1] - days[0])));
            var contract = SimulatedPeople.Pick(model.Hiring.Contracts.Value, random);
            var permanent = contract is "A.01.00" or "A.03.09";
            var months = model.Hiring.FixedTermMonths.Value;
            DateOnly? plannedEnd = permanent ? null : AwayFromMilestone(start, start.AddMonths((int)Math.Round(months[0] + random.NextDouble() * (months[1] - months[0]))).AddDays(-1));
            DateOnly? ceased = permanent && random.NextDouble() < model.Hiring.LeavesEarly.Value ? start.AddDays(random.Next(20, 150)) : null;
            person.Hiring = new HiringPlan(start, contract, plannedEnd, ceased);
            var employer = population.Employers[random.Next(population.Employers.Count)];
            var hiring = DemoNotices.Hiring(person.Person, employer, start, contract, plannedEnd, DemoNotices.Code(options.Seed, ++code));
            notices.Add((start.AddDays(-1), hiring));
            if (ceased is { } on) notices.Add((on.AddDays(2), DemoNotices.Cessation(hiring, on, "DV", DemoNotices.Code(options.Seed, ++code))));
        }
        var lastStart = world.People.Where(p => p.Hiring is not null).Select(p => p.Hiring!.Start).DefaultIfEmpty(SelectionDay).Max();
        // Until every placement's six months have passed: the end of the month after the last one's milestone.
        var end = new DateOnly(lastStart.Year, lastStart.Month, 1).AddMonths(8);
        progress.Stage("I mesi dopo", $"{notices.Count:N0} notices from the employers, imported quarter by quarter until {end:MMMM yyyy}");
        var ingest = services.GetRequiredService<NoticeIngest>();
        var nightly = services.GetRequiredService<OutcomesNightly>();
        var folder = Directory.CreateTempSubdirectory("dialer-demo-months-");
        try
        {
            long total = 0;
            var quarter = new DateOnly(SelectionDay.Year, SelectionDay.Month, 1).AddMonths(3);
            for (var done = false; !done; quarter = quarter.AddMonths(3))
            {
                // The first day of each quarter, 06:00: what the employers sent before it comes in, then the nightly outcomes pass.
                done = quarter > end;
                var day = done ? end : quarter;
                clock.JumpTo(CallingCalendar.ToUtc(day, new TimeOnly(6, 0)));
                var due = notices.Where(n => n.Sent < day).ToList();
                notices.RemoveAll(n => n.Sent < day);
                if (due.Count > 0)
                {
                    var zip = Path.Combine(folder.FullName, $"unilav-{day:yyyy-MM}.zip");
                    DemoNotices.WriteXmlZip(zip, due.Select(n => n.Notice));
                    var summary = await ingest.RunAsync(NoticeInput.FromPaths([zip]), null, ct);
                    total += summary.Imported;
                    if (summary.Quarantined > 0) progress.Warn($"{summary.Quarantined} notice(s) sent before {day:d MMMM yyyy} quarantined");
                }
                await nightly.RunAsync(ct);
                progress.Tick($"until {day.AddDays(-1):d MMMM yyyy}: {total:N0} notices imported");
            }
            progress.Done($"{total:N0} hiring and cessation notices imported; today is {CallingCalendar.LocalDate(clock.GetUtcNow()):d MMMM yyyy}");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>A planned end not within two weeks of the six-month milestone, so that no rounding decides retention.</summary>
    static DateOnly AwayFromMilestone(DateOnly start, DateOnly end)
    {
        var milestone = start.AddMonths(6);
        return Math.Abs(end.DayNumber - milestone.DayNumber) < 14 ? milestone.AddDays(end < milestone ? -14 : 14) : end;
    }

    /// <summary>A client signed in with a session cookie, as a browser is, with the antiforgery header the pages send.</summary>
    async Task<HttpClient> SignedInAsync(string username, string password, CancellationToken ct)
    {
        var client = new HttpClient(new SocketsHttpHandler { CookieContainer = new System.Net.CookieContainer() }) { BaseAddress = api };
        await SessionSignInAsync(client, username, password, ct);
        return client;
    }

    /// <summary>
    /// <c>POST /api/session</c> on a client with a cookie container, then the antiforgery header its unsafe calls send
    /// (docs/accounts.md): how the console's scripts, the simulated operators and the CPI of the demo sign in.
    /// </summary>
    public static async Task SessionSignInAsync(HttpClient client, string username, string password, CancellationToken ct)
    {
        using var session = await client.PostAsJsonAsync("/api/session", new { username, password }, ct);
        if (!session.IsSuccessStatusCode) throw new InvalidOperationException($"{username} could not sign in: {(int)session.StatusCode}.");
        var token = (await session.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("csrfToken").GetString();
        client.DefaultRequestHeaders.Remove(Api.Security.SignInRegistration.AntiforgeryHeader);
        client.DefaultRequestHeaders.Add(Api.Security.SignInRegistration.AntiforgeryHeader, token);
    }
}
