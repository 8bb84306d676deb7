using Dialer.Api.Logging;
using Dialer.Api.Operators;
using Dialer.Api;
using Dialer.Core.Database;
using Dialer.Core.Messaging;
using Dialer.Core;

try
{
    var builder = WebApplication.CreateBuilder(args);

    // Structured console logging, without personal data
    builder.AddDialerLogging();

    // Traces and metrics over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/observability.md)
    builder.AddDialerTelemetry("dialer-api");

    // PostgreSQL: the configured server, or the embedded cluster this process starts (and stops on exit)
    await using var database = await DatabaseAttachment.AttachAsync(builder.Configuration, LoggingRegistration.CreateBootstrapLoggers(builder.Configuration));

    // Data and domain: Npgsql data source, Dapper settings, stores, workflows, options
    builder.Services.AddDialerCore(builder.Configuration);

    // Events between processes (in memory, or RabbitMQ when scaled out); each replica feeds its operators' event streams
    builder.Services.AddDialerMessaging(builder.Configuration, x => x.AddOperatorStreamConsumers());

    // Pages, API endpoints, webhooks, health
    builder.AddDialerApi();

    var app = builder.Build();
    app.MapDialerApi();

    // Unsafe or incomplete settings and a port in use are refused in one line (docs/security-and-configuration.md)
    StartupRefusals.CheckConfiguration(app.Services);
    await StartupRefusals.StartAsync(app, "--urls or ASPNETCORE_URLS");
    await app.WaitForShutdownAsync();
    return 0;
}
catch (Exception ex) when (StartupRefusals.Describe(ex) is { } lines)
{
    foreach (var line in lines) await Console.Error.WriteLineAsync($"error: {line}");
    return StartupRefusals.ExitCode;
}
