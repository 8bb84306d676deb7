using Serilog.Events;
using Serilog.Formatting.Json;
using Serilog;

namespace Dialer.Api.Logging;

/// <summary>
/// Serilog to the console: readable lines on a terminal, one JSON object per event when <c>Logging:Json</c> is true.
/// One request-completion line per HTTP request in the API (docs/observability.md).
/// </summary>
/// <remarks>
/// Log identifiers, never people: no names, phone numbers or codici fiscali in any message. ASP.NET Core's own
/// request logging is held at Warning because its Information lines carry query strings; our request line names the
/// route template (<c>/api/operators/{identity}</c>), never the path as sent nor its query string.
/// </remarks>
public static class LoggingRegistration
{
    /// <summary>Serilog as the host's logger (what <c>UseSerilog</c> does, for any host builder, web or not).</summary>
    /// <remarks>Sinks, enrichers and filters registered as services are added too (tests capture events this way).</remarks>
    public static T AddDialerLogging<T>(this T builder) where T : IHostApplicationBuilder
    {
        var configuration = builder.Configuration;
        // The logger is the host's, not the static Log.Logger: several hosts in one process (`dialer demo`, the tests)
        // each log through their own and dispose it when they stop.
        builder.Services.AddSerilog((services, logger) => Configure(logger, configuration).ReadFrom.Services(services), preserveStaticLogger: true);
        return builder;
    }

    /// <summary>Loggers for work done before the host exists (starting the embedded PostgreSQL).</summary>
    public static ILoggerFactory CreateBootstrapLoggers(IConfiguration configuration) =>
        LoggerFactory.Create(b => b.ClearProviders().AddSerilog(Configure(new LoggerConfiguration(), configuration).CreateLogger(), dispose: true));

    /// <summary>
    /// One Information line per request at completion: method, route template, status and duration. Health probes are
    /// logged at Debug, so that a load balancer polling them does not fill the log.
    /// </summary>
    public static IApplicationBuilder UseDialerRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(o =>
        {
            o.Logger = app.ApplicationServices.GetService<Serilog.ILogger>();
            o.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms";
            o.IncludeQueryInRequestPath = false;
            o.GetMessageTemplateProperties = (context, _, elapsed, status) =>
            [
                new LogEventProperty("RequestMethod", new ScalarValue(context.Request.Method)),
                new LogEventProperty("RequestPath", new ScalarValue(RouteOf(context))),
                new LogEventProperty("StatusCode", new ScalarValue(status)),
                new LogEventProperty("Elapsed", new ScalarValue(elapsed)),
            ];
            o.GetLevel = (context, _, ex) =>
                ex is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
                : context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal) ? LogEventLevel.Debug
                : LogEventLevel.Information;
        });

    /// <summary>
    /// The route template of the endpoint that handled the request. A path that matched no endpoint (a static file,
    /// a 404) is not written: whatever someone typed into it could be a codice fiscale or a phone number.
    /// </summary>
    internal static string RouteOf(HttpContext context) =>
        context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } template }
            ? (template.StartsWith('/') ? template : "/" + template)
            : "(no route)";

    static LoggerConfiguration Configure(LoggerConfiguration config, IConfiguration configuration)
    {
        var level = Enum.TryParse<LogEventLevel>(configuration["Logging:Level"], ignoreCase: true, out var l) ? l : LogEventLevel.Information;
        config
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", level > LogEventLevel.Information ? level : LogEventLevel.Information)
            .MinimumLevel.Override("MassTransit", LogEventLevel.Warning)
            .MinimumLevel.Override("Hangfire", LogEventLevel.Warning)
            // The host logs a failed start with its stack trace and then throws the same exception to the entry point,
            // which reports it: in one line when an operator can fix it (a port in use), in full when it is a bug.
            .Filter.ByExcluding(IsHostStartupFailure)
            .Enrich.FromLogContext()
            .Enrich.With<NoRawRequestPath>();
        // Logs go to standard error, so that command output on standard out stays clean for scripts.
        return configuration.GetValue<bool>("Logging:Json")
            ? config.WriteTo.Console(new JsonFormatter(renderMessage: true), standardErrorFromLevel: LogEventLevel.Verbose)
            : config.WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}",
                standardErrorFromLevel: LogEventLevel.Verbose, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// ASP.NET Core puts the path as sent (<c>RequestPath</c>) on every event logged while a request is handled; it is
    /// dropped, since a path can carry a codice fiscale. The request line itself carries the route template instead.
    /// </summary>
    /// <remarks>Runs after the scope's properties are added: the logger's own enrichers come after those of the provider.</remarks>
    sealed class NoRawRequestPath : Serilog.Core.ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, Serilog.Core.ILogEventPropertyFactory propertyFactory)
        {
            if (!(logEvent.Properties.TryGetValue("SourceContext", out var source) && source is ScalarValue { Value: RequestLogSource }))
                logEvent.RemovePropertyIfPresent("RequestPath");
        }
    }

    const string RequestLogSource = "Serilog.AspNetCore.RequestLoggingMiddleware";

    static bool IsHostStartupFailure(LogEvent e) =>
        e.Properties.TryGetValue("EventId", out var id) && id is StructureValue eventId &&
        eventId.Properties.Any(p => p is { Name: "Name", Value: ScalarValue { Value: "HostedServiceStartupFaulted" } });
}
