using Hangfire;
using Dialer.Api.Security;
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
            AsyncAuthorization = [new DashboardAccess()],
            IsReadOnlyFunc = DashboardAccess.IsReadOnly,
            // No link back to "/" from the dashboard's header: the pages have their own navigation.
            AppPath = null,
        });
}

/// <summary>
/// Who may open the dashboard: admins with every button (trigger, requeue, delete), supervisors read-only; nobody else.
/// Hangfire calls this after our authentication ran, so the signed-in user is on the context. An anonymous visitor is
/// sent to the sign-in page by the fallback policy before Hangfire sees the request.
/// </summary>
sealed class DashboardAccess : IDashboardAsyncAuthorizationFilter
{
    public Task<bool> AuthorizeAsync(DashboardContext context)
    {
        var user = context.GetHttpContext().User;
        return Task.FromResult(user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Supervisor));
    }

    public static bool IsReadOnly(DashboardContext context) => !context.GetHttpContext().User.IsInRole(Roles.Admin);
}
