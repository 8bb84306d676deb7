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

        var home = await api.Client.GetAsync("/hangfire");
        var recurring = await api.Client.GetStringAsync("/hangfire/recurring");
        var hostedServices = api.Services.GetServices<IHostedService>().Select(s => s.GetType().FullName).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(home.StatusCode, Is.EqualTo(HttpStatusCode.OK), "open in Development");
            Assert.That(recurring, Does.Contain("nightly-selection:donne-milano"));
            Assert.That(hostedServices, Has.None.StartsWith("Hangfire."), "the API performs no job");
        });
    }

    [Test]
    public async Task Outside_Development_the_dashboard_is_refused_until_sign_in_exists()
    {
        using var api = new DialerApp(settings: ProductionTelephony.Settings, environment: "Production");

        var response = await api.Client.GetAsync("/hangfire");

        Assert.That(response.StatusCode, Is.AnyOf(HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden));
    }
}
