using System.Net;
using Dialer.Core.Campaigns;
using Dialer.Core.Selection;
using Dialer.Tests.Selection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Dialer.Tests.Scheduling;

public sealed class SchedulerDashboardTests : DatabaseTest
{
    // The campaign left behind gives the dialing loop of the next tests' `dialer demo` work to do while a refused start
    // disposes it, and it then logs an ObjectDisposedException the StartupRefusalTests count as a second line.
    [TearDown]
    public Task LeaveNoCampaignAsync() => CleanDatabaseAsync();

    [Test]
    public async Task The_API_serves_the_dashboard_with_the_campaigns_recurring_jobs_and_runs_no_Hangfire_server()
    {
        await new CampaignStore(Db).ApplyAsync(Population.Campaign(), default);
        using (var worker = TestWorkerHost.Create("node-a"))
            await worker.Services.GetRequiredService<NightlySchedule>().SyncAsync(default);
        using var api = new DialerApp();

        var home = await api.Admin.GetAsync("/hangfire");
        var recurring = await api.Admin.GetStringAsync("/hangfire/recurring");
        var hostedServices = api.Services.GetServices<IHostedService>().Select(s => s.GetType().FullName).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(home.StatusCode, Is.EqualTo(HttpStatusCode.OK), "open to an admin");
            Assert.That(recurring, Does.Contain("nightly-selection:donne-milano"));
            Assert.That(hostedServices, Has.None.StartsWith("Hangfire."), "the API performs no job");
        });
    }

    [Test]
    public async Task The_dashboard_is_read_only_for_a_supervisor_and_closed_to_an_operator_and_to_anonymous_visitors()
    {
        await new CampaignStore(Db).ApplyAsync(Population.Campaign(), default);
        using (var worker = TestWorkerHost.Create("node-a"))
            await worker.Services.GetRequiredService<NightlySchedule>().SyncAsync(default);
        using var api = new DialerApp(settings: ProductionTelephony.Settings, environment: "Production");
        var supervisor = await api.ClientAsync("sara", Dialer.Core.Accounts.UserRole.Supervisor);
        var @operator = await api.OperatorAsync("anna");

        var anonymous = await api.Client.GetAsync("/hangfire");
        var asOperator = await @operator.GetAsync("/hangfire");
        var readOnly = await supervisor.GetStringAsync("/hangfire/recurring");
        var full = await api.Admin.GetStringAsync("/hangfire/recurring");

        Assert.Multiple(() =>
        {
            Assert.That(anonymous.RequestMessage!.RequestUri!.AbsolutePath, Is.EqualTo("/accedi"), "sent to sign in");
            Assert.That(asOperator.StatusCode, Is.AnyOf(HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden));
            Assert.That(readOnly, Does.Contain("nightly-selection:donne-milano").And.Not.Contain("js-jobs-list-command"), "no trigger or delete buttons");
            Assert.That(full, Does.Contain("js-jobs-list-command"), "an admin's buttons");
        });
    }
}
