using Dialer.Core.Database;
using Dialer.Core.Dialing.Operators;
using Dialer.Core.Notices;
using Dialer.Core.Selection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dialer.Core;

public static class CoreRegistration
{
    /// <summary>Data and domain: the database, the clock, and each capability's stores and workflows.</summary>
    public static IServiceCollection AddDialerCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddDialerDatabase(configuration);

        // Comunicazioni obbligatorie: parsing, validation, quarantine, ingest, employment spells
        services.AddNotices();

        // Campaigns, eligibility and the nightly selection
        services.AddDialerSelection();

        // Operator presence, dispositions and call-backs
        services.AddOperatorsAndDispositions();
        return services;
    }
}
