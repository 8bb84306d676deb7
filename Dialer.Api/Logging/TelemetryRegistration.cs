using Dialer.Core.Telemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Dialer.Api.Logging;

/// <summary>
/// OpenTelemetry for every host (the API, the worker, the commands, the demo): traces and metrics over OTLP, when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (docs/observability.md).
/// </summary>
public static class TelemetryRegistration
{
    /// <summary>OpenTelemetry's standard setting: where the collector listens. Nothing is exported while it is unset.</summary>
    public const string EndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Traces and metrics over OTLP, configured by the standard <c>OTEL_*</c> variables: ASP.NET Core, HttpClient
    /// (Twilio), Npgsql, MassTransit, the runtime and the dialer's own meter. Without an endpoint the SDK is not even
    /// registered: nothing is collected, nothing leaves. The service name (dialer-api, dialer-worker) stands unless
    /// <c>OTEL_SERVICE_NAME</c> says otherwise.
    /// </summary>
    public static T AddDialerTelemetry<T>(this T builder, string serviceName) where T : IHostApplicationBuilder
    {
        var configuration = builder.Configuration;
        if (string.IsNullOrWhiteSpace(configuration[EndpointSetting])) return builder;

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r =>
            {
                if (string.IsNullOrWhiteSpace(configuration["OTEL_SERVICE_NAME"])) r.AddService(serviceName);
            })
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation(o =>
                {
                    // Load balancers poll the health endpoints every few seconds: not worth a trace each.
                    o.Filter = context => !context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal);
                    // The path as sent can carry a codice fiscale: the span names the route template instead, as the log does.
                    o.EnrichWithHttpResponse = (activity, response) => activity.SetTag("url.path", LoggingRegistration.RouteOf(response.HttpContext));
                })
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddSource("MassTransit")
                .AddOtlpExporter())
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter("MassTransit", "System.Runtime", DialerMetrics.MeterName)
                .AddOtlpExporter());
        return builder;
    }

    /// <summary>
    /// For a command that builds its host without running it (<c>dialer import</c>): the providers the host would
    /// have started start now, and export what is left when the host is disposed. Nothing without an endpoint.
    /// </summary>
    public static void StartForCommand(IServiceProvider services)
    {
        services.GetService<TracerProvider>();
        services.GetService<MeterProvider>();
    }
}
