using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Core.Dialing.Queue;

public static class QueueRegistration
{
    /// <summary>The call queue (one per process: it owns the process's LISTEN connection).</summary>
    public static IServiceCollection AddCallQueue(this IServiceCollection services)
    {
        services.AddSingleton<CallQueue>();
        return services;
    }
}
