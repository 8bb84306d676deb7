using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Core.Operators;

public static class OperatorsRegistration
{
    /// <summary>Operators: the directory and the presence roster.</summary>
    public static IServiceCollection AddOperators(this IServiceCollection services)
    {
        services.AddSingleton<OperatorDirectory>();
        services.AddSingleton<OperatorRoster>();
        // The console's reads: the call in hand, call-backs, today's figures (docs/console.md)
        services.AddSingleton<OperatorDesk>();
        return services;
    }
}
