using Dialer.Core.Accounts;
using Dialer.Core.Audit;
using Dialer.Core.Database;
using Dialer.Core.Dialing.Policy;
using Dialer.Core.Dialing.Queue;
using Dialer.Core.Dialing;
using Dialer.Core.Notices;
using Dialer.Core.Operators;
using Dialer.Core.Outcomes;
using Dialer.Core.Scheduling;
using Dialer.Core.Selection;
using Dialer.Core.Supervision;
using Dialer.Core.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Core;

public static class CoreRegistration
{
    /// <summary>Data and domain: the database, the clock, and each capability's stores and workflows.</summary>
    public static IServiceCollection AddDialerCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddDialerDatabase(configuration);

        // Hangfire's storage in the same database: the worker runs its server on it, the API its dashboard
        services.AddDialerSchedulerStorage(configuration);

        // Comunicazioni obbligatorie: parsing, validation, quarantine, ingest, employment spells
        services.AddNotices();

        // Campaigns, eligibility, the nightly selection and its recurring jobs
        services.AddDialerSelection();

        // Dialing: attempts, the shared CPS budget, placing a call, the progressive round and preview
        services.AddDialingEngine();

        // Dialing: the Italian contact policy (calendar, holidays, patron saints' days)
        services.AddContactPolicy();

        // The call queue: claims with SKIP LOCKED and leases, completions, LISTEN/NOTIFY wake-ups
        services.AddCallQueue();

        // Accounts: local users, their roles and passwords
        services.AddAccounts();

        // Audit: the append-only log of sign-ins, views of personal data and changes; its retention purge
        services.AddAudit();

        // Operators: the directory and presence
        services.AddOperators();

        // Outcomes: provider outcomes, dispositions, call-backs, the sweep, diagnostics
        services.AddOutcomes();

        // Supervision: the wallboard's snapshot of the floor (docs/supervision.md)
        services.AddSingleton<Wallboard>();
        services.AddOptions<SupervisionOptions>().BindConfiguration(SupervisionOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // The dialer's own metrics (calls, CPS, imports) on the "Dialer" meter
        services.AddDialerMetrics();
        return services;
    }
}
