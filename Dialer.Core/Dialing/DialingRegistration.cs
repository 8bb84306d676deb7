using Dialer.Core.Outcomes;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Core.Dialing;

public static class DialingRegistration
{
    /// <summary>The dialing engine: attempts, the shared CPS budget, placing calls, outcomes, preview and progressive modes, diagnostics.</summary>
    public static IServiceCollection AddDialingEngine(this IServiceCollection services)
    {
        services.AddOptions<DialingOptions>().BindConfiguration(DialingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<CallAttempts>();
        services.AddSingleton<ContactHistory>();
        services.AddSingleton<ContactScreening>();
        services.AddSingleton<CpsBudget>();
        services.AddSingleton<DialingCampaigns>();
        services.AddTransient<CallPlacer>();
        services.AddTransient<AttemptOutcomes>();
        services.AddTransient<ProgressiveDialer>();
        services.AddTransient<PreviewDialer>();
        services.AddTransient<DialingDiagnostics>();
        return services;
    }

    /// <summary>The consumers that apply provider callbacks and call-back dispositions (in every process that has the bus).</summary>
    public static void AddDialingConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<CallStatusConsumer>();
        bus.AddConsumer<DispositionConsumer>();
    }
}
