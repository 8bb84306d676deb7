using Dialer.Core.Outcomes;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Core.Operators;

public static class OperatorsRegistration
{
    /// <summary>Operators (directory and presence roster) and dispositions. Dispositions publish through MassTransit (AddDialerMessaging).</summary>
    public static IServiceCollection AddOperatorsAndDispositions(this IServiceCollection services)
    {
        services.AddSingleton<OperatorDirectory>();
        services.AddSingleton<OperatorRoster>();
        services.AddSingleton<CallbackList>();
        // A factory, so that hosts without MassTransit (the CLI's one-shot commands) still build with ValidateOnBuild:
        // the bus is only needed when a disposition is recorded.
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<DispositionLedger>(sp));
        return services;
    }
}
