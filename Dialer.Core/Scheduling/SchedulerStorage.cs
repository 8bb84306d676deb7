using System.Globalization;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Logging;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Core.Scheduling;

/// <summary>
/// Hangfire's storage in the Dialer database (schema <c>hangfire</c>), shared by the worker's server and the API's
/// dashboard. The schema is installed by <c>dialer migrate</c> (<see cref="InstallSchema"/>), never at run time.
/// </summary>
public static class SchedulerStorage
{
    public const string Schema = "hangfire";

    /// <summary>The schema version this build's Hangfire.PostgreSql installs: the highest of its embedded Install.vN.sql scripts.</summary>
    public static int SchemaVersion { get; } = typeof(PostgreSqlObjectsInstaller).Assembly.GetManifestResourceNames()
        .Select(n => n.StartsWith("Hangfire.PostgreSql.Scripts.Install.v", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)
            ? int.Parse(n["Hangfire.PostgreSql.Scripts.Install.v".Length..^".sql".Length], CultureInfo.InvariantCulture)
            : 0)
        .Max();

    /// <summary>
    /// Registers the storage, and Hangfire's client services over it, once per container (the demo registers the API
    /// and the worker in one). Storage and activator are this container's own, not Hangfire's process-wide defaults,
    /// so that two hosts in one process (the tests' two workers) each run jobs in their own services.
    /// </summary>
    public static IServiceCollection AddDialerSchedulerStorage(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(s => s.ServiceType == typeof(JobStorage))) return services;
        services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<JobStorage>(sp =>
        {
            var options = configuration.GetSection(SchedulerOptions.Section).Get<SchedulerOptions>() ?? new();
            return new PostgreSqlStorage(new DataSourceConnections(sp.GetRequiredService<NpgsqlDataSource>()), new PostgreSqlStorageOptions
            {
                SchemaName = Schema,
                PrepareSchemaIfNecessary = false,
                QueuePollInterval = options.PollInterval,
                InvisibilityTimeout = options.InvisibilityTimeout,
                UseSlidingInvisibilityTimeout = true,
                // Fail at once when the database is down: the host's start reports it (StartupRefusals).
                StartupConnectionMaxRetries = 0,
            });
        });
        services.TryAddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, c) => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HostLogs(sp.GetRequiredService<ILoggerFactory>())));
        return services;
    }

    /// <summary>Installs or upgrades the Hangfire schema with the package's own installer; a current schema is left alone.</summary>
    public static void InstallSchema(NpgsqlConnection connection)
    {
        PostgreSqlObjectsInstaller.Install(connection, Schema);
        // The scripts set and reset search_path; make sure the session is as it was.
        using var reset = new NpgsqlCommand("RESET search_path", connection);
        reset.ExecuteNonQuery();
    }

    /// <summary>The installed schema version, 0 when there is none.</summary>
    public static async Task<int> InstalledSchemaVersionAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            $"SELECT to_regclass('{Schema}.schema') IS NOT NULL", cancellationToken: ct));
        return exists
            ? await connection.ExecuteScalarAsync<int>(new CommandDefinition($"SELECT coalesce(max(version), 0) FROM {Schema}.schema", cancellationToken: ct))
            : 0;
    }

    /// <summary>
    /// Hangfire's log provider is process-wide and its classes keep loggers in static fields: a logger from a host that
    /// has since stopped (the tests stop many) must not break Hangfire for the rest of the process, so a disposed
    /// factory gives loggers that drop what they are given.
    /// </summary>
    sealed class HostLogs(ILoggerFactory factory) : ILogProvider
    {
        public ILog GetLogger(string name)
        {
            try
            {
                return new HostLog(factory.CreateLogger(name));
            }
            catch (ObjectDisposedException)
            {
                return new HostLog(NullLogger.Instance);
            }
        }

        sealed class HostLog(ILogger logger) : ILog
        {
            public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
            {
                var level = logLevel switch
                {
                    Hangfire.Logging.LogLevel.Trace => Microsoft.Extensions.Logging.LogLevel.Trace,
                    Hangfire.Logging.LogLevel.Debug => Microsoft.Extensions.Logging.LogLevel.Debug,
                    Hangfire.Logging.LogLevel.Info => Microsoft.Extensions.Logging.LogLevel.Information,
                    Hangfire.Logging.LogLevel.Warn => Microsoft.Extensions.Logging.LogLevel.Warning,
                    Hangfire.Logging.LogLevel.Error => Microsoft.Extensions.Logging.LogLevel.Error,
                    _ => Microsoft.Extensions.Logging.LogLevel.Critical,
                };
                if (messageFunc is null) return logger.IsEnabled(level);
                try
                {
                    logger.Log(level, exception, "{Message}", messageFunc());
                }
                catch (ObjectDisposedException)
                {
                    // The host that made this logger has stopped.
                }
                return true;
            }
        }
    }

    /// <summary>Hangfire's connections come from the application's data source (its pool and settings).</summary>
    sealed class DataSourceConnections(NpgsqlDataSource db) : IConnectionFactory
    {
        public NpgsqlConnection GetOrCreateConnection() => db.CreateConnection();
    }
}
