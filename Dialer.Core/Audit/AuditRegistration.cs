using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Core.Audit;

public static class AuditRegistration
{
    /// <summary>The audit log, its retention setting (validated at start) and the nightly purge.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AuditRetention>();
        services.AddTransient<AuditRetentionJob>();
        return services;
    }
}
