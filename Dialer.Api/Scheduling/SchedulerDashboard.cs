using Hangfire;
using Hangfire.Dashboard;

namespace Dialer.Api.Scheduling;

/// <summary>
/// Hangfire's dashboard at <c>/hangfire</c>, over the storage the workers use (the recurring selection jobs, their runs,
/// retries and servers). The API only reads and manages that storage: it runs no Hangfire server, so it never performs a job.
/// </summary>
static class SchedulerDashboard
{
    public const string Path = "/hangfire";

    public static IEndpointConventionBuilder MapSchedulerDashboard(this WebApplication app) =>
        app.MapHangfireDashboard(Path, new DashboardOptions
        {
            DashboardTitle = "Dialer: jobs",
            Authorization = [],
            AsyncAuthorization = [new DashboardAccess(app.Environment)],
            IsReadOnlyFunc = DashboardAccess.IsReadOnly,
            // No link back to "/" from the dashboard's header: the pages have their own navigation.
            AppPath = null,
        });
}

/// <summary>
/// Who may open the dashboard. Until sign-in exists (issue 15) it is open in the Development environment only and
/// refused elsewhere, as the supervisor and IT endpoints are (UntilSignIn). The seam for sign-in: admins get it with
/// every button (trigger, requeue, delete), supervisors read-only, through <see cref="AuthorizeAsync"/> and <see cref="IsReadOnly"/>.
/// </summary>
sealed class DashboardAccess(IHostEnvironment environment) : IDashboardAsyncAuthorizationFilter
{
    public Task<bool> AuthorizeAsync(DashboardContext context) => Task.FromResult(environment.IsDevelopment());

    /// <summary>Nothing is read-only yet (only Development opens it); with sign-in: true for every role but admin.</summary>
    public static bool IsReadOnly(DashboardContext context) => false;
}
