using System.Text.Json;
using Dialer.Core.Database;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dialer.Api.Database;

static class HealthEndpoints
{
    const string ReadyTag = "ready";

    public static IServiceCollection AddDialerHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("postgresql", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapDialerHealth(this IEndpointRouteBuilder app)
    {
        // Live: the process answers. Ready: it can do its work (orchestrators route traffic on this).
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJsonAsync })
            .WithTags("Health").AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteJsonAsync })
            .WithTags("Health").AllowAnonymous();
        return app;
    }

    static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, JsonOptions, context.RequestAborted);
    }

    static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}

/// <summary>Ready when PostgreSQL answers and the schema is exactly what this build expects.</summary>
sealed class DatabaseHealthCheck(Migrator migrator) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var status = await migrator.StatusAsync(cancellationToken);
            if (status.Unknown.Count > 0)
                return HealthCheckResult.Unhealthy($"The database has migrations this build does not know: {string.Join(", ", status.Unknown)}");
            if (status.Pending.Count > 0)
                return HealthCheckResult.Unhealthy($"{status.Pending.Count} migration(s) pending: run `dialer migrate`");
            return HealthCheckResult.Healthy($"{status.Applied.Count} migration(s) applied");
        }
        catch (NpgsqlException ex)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is not reachable", ex);
        }
    }
}
