using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Core.Outcomes;

public static class OutcomesRegistration
{
    /// <summary>
    /// What happened to attempts and what operators recorded: provider outcomes, dispositions, call-backs, the sweep and
    /// the diagnostics. Those that publish take the bus through a factory, so that hosts without MassTransit (the CLI's
    /// one-shot commands) still build with ValidateOnBuild: the bus is only needed when something is published.
    /// </summary>
    public static IServiceCollection AddOutcomes(this IServiceCollection services)
    {
        services.AddSingleton<CallbackList>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<DispositionLedger>(sp));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<AttemptOutcomes>(sp));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<OutcomeSweep>(sp));
        services.AddTransient<DialingDiagnostics>();
        services.AddSingleton<OutcomeLedger>();
        services.AddSingleton<OutcomesNightly>();
        services.AddTransient<OutcomesNightlyJob>();
        services.AddSingleton<Funnel>();
        services.AddSingleton<OutcomeReports>();
        services.AddSingleton<AttendanceRegister>();
        return services;
    }

    /// <summary>The consumers that apply provider callbacks and call-back dispositions (in every process that has the bus).</summary>
    public static void AddOutcomeConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<CallStatusConsumer>();
        bus.AddConsumer<DispositionConsumer>();
        bus.AddConsumer<OutcomeLedgerConsumer>();
    }
}
