using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Core.Dialing;

public static class DialingRegistration
{
    /// <summary>
    /// The dialing engine: attempts, the contact facts, the shared CPS budget, placing a call, the progressive round and
    /// preview. Those that publish take the bus through a factory, so that hosts without MassTransit (the CLI's one-shot
    /// commands) still build with ValidateOnBuild: the bus is only needed when something is published.
    /// </summary>
    public static IServiceCollection AddDialingEngine(this IServiceCollection services)
    {
        services.AddOptions<DialingOptions>().BindConfiguration(DialingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<CallAttempts>();
        services.AddSingleton<ContactHistory>();
        services.AddSingleton<ContactScreening>();
        services.AddSingleton<CpsBudget>();
        services.AddSingleton<DialingCampaigns>();
        services.AddSingleton<PreviewCards>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<CallPlacer>(sp));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<AttemptSettlement>(sp));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<DialSequence>(sp));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<DialingRound>(sp));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<PreviewDialer>(sp));
        return services;
    }
}
