using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Core.Dialing.Policy;

public static class PolicyRegistration
{
    /// <summary>The contact policy's one stateful part: the cached patron saints' days. The rest is pure.</summary>
    public static IServiceCollection AddContactPolicy(this IServiceCollection services)
    {
        services.AddSingleton<PatronSaintDays>();
        return services;
    }
}
