using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Core.Telemetry;

public static class TelemetryRegistration
{
    /// <summary>The dialer's own meter, in every process that has Core (exported where the host turns OpenTelemetry on).</summary>
    public static IServiceCollection AddDialerMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<DialerMetrics>();
        return services;
    }
}
