using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Core.Database;

public static class DatabaseRegistration
{
    /// <summary>The Npgsql data source for <c>ConnectionStrings:Dialer</c>, Dapper's settings and the migrator.</summary>
    public static IServiceCollection AddDialerDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        services.AddSingleton(_ =>
        {
            var cs = configuration.GetConnectionString(DatabaseAttachment.ConnectionStringName);
            if (string.IsNullOrWhiteSpace(cs))
                throw new InvalidOperationException(
                    "ConnectionStrings:Dialer is not set. Entry points call DatabaseAttachment.AttachAsync first, " +
                    "which sets it to the embedded PostgreSQL when nothing is configured.");
            return new NpgsqlDataSourceBuilder(cs) { Name = "dialer" }.Build();
        });
        services.AddSingleton<Migrator>();
        return services;
    }
}
