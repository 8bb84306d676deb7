using Serilog.Events;
using Serilog.Formatting.Json;
using Serilog;

namespace Dialer.Api.Logging;

/// <summary>
/// Serilog to the console: readable lines on a terminal, one JSON object per event when <c>Logging:Json</c> is true.
/// </summary>
/// <remarks>
/// Log identifiers, never people: no names, phone numbers or codici fiscali in any message. ASP.NET Core's own
/// request logging is held at Warning because its Information lines carry query strings.
/// </remarks>
public static class LoggingRegistration
{
    public static ILoggingBuilder AddDialerLogging(this ILoggingBuilder logging, IConfiguration configuration)
    {
        logging.ClearProviders();
        logging.AddSerilog(CreateLogger(configuration), dispose: true);
        return logging;
    }

    /// <summary>Loggers for work done before the host exists (starting the embedded PostgreSQL).</summary>
    public static ILoggerFactory CreateBootstrapLoggers(IConfiguration configuration) =>
        LoggerFactory.Create(b => b.AddDialerLogging(configuration));

    static Serilog.Core.Logger CreateLogger(IConfiguration configuration)
    {
        var level = Enum.TryParse<LogEventLevel>(configuration["Logging:Level"], ignoreCase: true, out var l) ? l : LogEventLevel.Information;
        var config = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", level > LogEventLevel.Information ? level : LogEventLevel.Information)
            .MinimumLevel.Override("MassTransit", LogEventLevel.Warning)
            .MinimumLevel.Override("Hangfire", LogEventLevel.Warning)
            // The host logs a failed start with its stack trace and then throws the same exception to the entry point,
            // which reports it: in one line when an operator can fix it (a port in use), in full when it is a bug.
            .Filter.ByExcluding(IsHostStartupFailure)
            .Enrich.FromLogContext();
        // Logs go to standard error, so that command output on standard out stays clean for scripts.
        config = configuration.GetValue<bool>("Logging:Json")
            ? config.WriteTo.Console(new JsonFormatter(renderMessage: true), standardErrorFromLevel: LogEventLevel.Verbose)
            : config.WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}",
                standardErrorFromLevel: LogEventLevel.Verbose, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        return config.CreateLogger();
    }

    static bool IsHostStartupFailure(LogEvent e) =>
        e.Properties.TryGetValue("EventId", out var id) && id is StructureValue eventId &&
        eventId.Properties.Any(p => p is { Name: "Name", Value: ScalarValue { Value: "HostedServiceStartupFaulted" } });
}
