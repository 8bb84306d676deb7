using Dialer.Api.Logging;
using Dialer.Core.Database;

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

    public static T Apply<T>(T builder) where T : IHostApplicationBuilder
    {
        builder.Logging.AddDialerLogging(builder.Configuration);
        return builder;
    }

    public static Task<DatabaseAttachment> AttachDatabaseAsync(IHostApplicationBuilder builder, CancellationToken ct) =>
        DatabaseAttachment.AttachAsync(builder.Configuration, LoggingRegistration.CreateBootstrapLoggers(builder.Configuration), ct);
}
