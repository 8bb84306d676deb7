using Dialer.Core.Audit;
using Dialer.Core.Campaigns;
using Dialer.Core.Dialing.Policy;
using Dialer.Core.Selection;
using Dialer.Worker.Telephony.Emulator;

namespace Dialer.Worker.Demo;

/// <summary>
/// After the scenario, in an interactive `dialer demo`: the live floor (docs/demo.md "After the scenario"). The next
/// night's selection of a second campaign over the Milan pool (deploy/demo/bacino-milano.json), then the simulated
/// operators calling it in real time, so that the wallboard shows a floor at work and the watcher, signed in as the demo
/// operator, takes calls alongside them. Its people behave as the emulator's default profile; it has no truth to check.
/// </summary>
public sealed class DemoLive(IServiceProvider services, Uri api, AcceleratedClock clock, DemoOptions options, DemoProgress progress)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var definition = CampaignDefinition.Parse(await File.ReadAllTextAsync(Path.Combine(DemoFiles.Folder, DemoFiles.LiveCampaign), ct), DemoFloor.LiveCampaignSlug);
        await services.GetRequiredService<CampaignChanges>().ApplyAsync(definition,
            new AuditEntry("dialer demo", AuditActions.CampaignChanged, ActorRole: "admin"), ct);
        var night = CallingCalendar.LocalDate(clock.GetUtcNow()).AddDays(1);
        clock.JumpTo(CallingCalendar.ToUtc(night, new TimeOnly(2, 0)));
        var run = await services.GetRequiredService<NightlySelection>().RunAsync(definition.Slug, night, SelectionTrigger.Schedule, ct);
        progress.Stage("Sala dal vivo", $"{definition.Name}: {run.Cascade.Added ?? run.Cascade.Eligible:N0} people selected; the clock now runs in real time");
        var calendar = new CallingCalendar(definition.Dialing.Windows, await services.GetRequiredService<PatronSaintDays>().TableAsync(ct));
        clock.JumpTo(calendar.NextOpening(clock.GetUtcNow(), "F205"));
        clock.SetSpeed(1);
        var campaignId = (await services.GetRequiredService<CampaignStore>().FindAsync(definition.Slug, ct))!.Id;
        var model = BehaviourModel.Load(Path.Combine(DemoFiles.Folder, BehaviourModel.FileName));
        var nobody = new SimulatedPeople(model, [], definition.Slug, 0, definition.Dialing.MaxAttemptsTotal, options.Seed, clock);
        var cpi = await DemoScenario.MilanCpiAsync(services, ct);
        var operators = await DemoScenario.SimulatedOperatorsAsync(services, options.Operators, cpi, ct);
        var working = operators.Select(o => new SimulatedOperator(o.Identity, o.Password, api, nobody, model, clock, _ => cpi, options.Seed)).ToList();
        var tasks = working.Select(o => o.RunAsync(ct)).ToList();
        await new DemoFloor(services, clock, calendar, campaignId, progress).RunLiveAsync(ct);
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
