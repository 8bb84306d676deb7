using Dialer.Api.Logging;
using Dialer.Core.Database;
using Dialer.Core;

namespace Dialer.Worker.CommandLine;

/// <summary>What every command starts from: configuration, logging and the database attachment.</summary>
static class CommandHost
{
    /// <summary>
    /// A host builder reading appsettings.json beside the executable (whatever the working directory),
    /// environment variables and, in Development, user secrets. Command-line arguments are System.CommandLine's.
    /// </summary>
    public static HostApplicationBuilder CreateBuilder() =>
        Apply(Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(CommandHost).Assembly.GetName().Name,
        }));

    /// <summary>Logging, and traces and metrics over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/observability.md).</summary>
    public static T Apply<T>(T builder, string serviceName = "dialer-worker") where T : IHostApplicationBuilder =>
        builder.AddDialerLogging().AddDialerTelemetry(serviceName);

    public static Task<DatabaseAttachment> AttachDatabaseAsync(IHostApplicationBuilder builder, CancellationToken ct) =>
        DatabaseAttachment.AttachAsync(builder.Configuration, LoggingRegistration.CreateBootstrapLoggers(builder.Configuration), ct);

    /// <summary>A one-shot command's services: configuration, logging, the database attached (refused unless its schema is current) and Core registered.</summary>
    public static async Task<int> WithCoreServicesAsync(Func<IServiceProvider, Task<int>> action, CancellationToken ct)
    {
        var builder = CreateBuilder();
        await using var database = await AttachDatabaseAsync(builder, ct);
        builder.Services.AddDialerCore(builder.Configuration);
        using var host = builder.Build();
        // A database that is behind (or ahead of) this build is refused by name, never met as a missing column.
        await HostCommands.PrepareSchemaAsync(host.Services, migrate: false, ct);
        return await action(host.Services);
    }
}
