using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Dialer.Tests.Notices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dialer.Tests.Telemetry;

/// <summary>OTLP export with the standard OTEL_* settings, to a collector that records what it is sent.</summary>
public sealed class OtlpExportTests : DatabaseTest
{
    const string Cf = "RSSMRA80A01F205X";

    [Test]
    public async Task With_an_endpoint_set_the_api_exports_traces_and_metrics_under_its_service_name_without_the_paths_as_sent()
    {
        await using var collector = await Collector.StartAsync();
        using var app = new DialerApp(settings: new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Address.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "300",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        });
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(CsvNotice.File(new CsvNotice()))), "files", "upload.csv");

        // The API shares this process: the test's own client spans (which name the URL) are left out, they are not the API's.
        HttpStatusCode operatorLookup;
        using (OpenTelemetry.SuppressInstrumentationScope.Begin())
        {
            (await app.Admin.PostAsync("/api/notices", form)).EnsureSuccessStatusCode();
            using var lookup = await app.Admin.GetAsync($"/api/operators/{Cf}?cf={Cf}");
            operatorLookup = lookup.StatusCode;
            (await app.Client.GetAsync("/health/live")).EnsureSuccessStatusCode();
        }

        Assert.That(await Eventually.TrueAsync(() =>
            collector.Received("/v1/traces").Contains("/api/operators/{identity}", StringComparison.Ordinal)
            && collector.Received("/v1/traces").Contains("postgresql", StringComparison.Ordinal)
            && collector.Received("/v1/metrics").Contains("dialer.import.rows", StringComparison.Ordinal), TimeSpan.FromSeconds(20)), Is.True,
            "spans of the requests and their SQL, and the Dialer meter, reach the collector");
        var traces = collector.Received("/v1/traces");
        var metrics = collector.Received("/v1/metrics");
        Assert.Multiple(() =>
        {
            Assert.That(operatorLookup, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(traces, Does.Contain("GET /api/operators/{identity}"), "the server span, named by its route");
            Assert.That(traces, Does.Contain("dialer-api"), "service.name");
            Assert.That(metrics, Does.Contain("http.server.request.duration"), "ASP.NET Core's metrics");
            Assert.That(traces, Does.Not.Contain(Cf), "the server span records the route template, not the path or query as sent");
            Assert.That(traces, Does.Not.Contain("/health/live"), "health probes are not traced");
        });
    }

    [Test]
    public async Task The_import_command_exports_its_rows_before_it_exits()
    {
        await using var collector = await Collector.StartAsync();
        var file = Path.Combine(Path.GetTempPath(), $"dialer-import-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, CsvNotice.File(new CsvNotice()));
        try
        {
            var (exit, _, stderr) = await DialerProcess.RunAsync(new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Address.ToString(),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            }, "import", file, "--json");

            var metrics = collector.Received("/v1/metrics");
            Assert.Multiple(() =>
            {
                Assert.That(exit, Is.Zero, stderr);
                Assert.That(metrics, Does.Contain("dialer.import.rows").And.Contain("dialer-worker"), "exported when the command's host is disposed");
            });
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void Without_an_endpoint_nothing_is_registered()
    {
        using var app = new DialerApp();

        Assert.That(app.Services.GetService<OpenTelemetry.Metrics.MeterProvider>(), Is.Null);
    }

    /// <summary>An OTLP/HTTP receiver: keeps each request's body by signal path (protobuf, whose strings are plain UTF-8).</summary>
    sealed class Collector : IAsyncDisposable
    {
        readonly WebApplication app;
        readonly ConcurrentQueue<(string Path, string Body)> received = new();

        Collector(WebApplication app, ConcurrentQueue<(string, string)> received)
        {
            this.app = app;
            this.received = received;
            Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        }

        public Uri Address { get; }

        public string Received(string path) => string.Concat(received.Where(r => r.Path == path).Select(r => r.Body));

        public static async Task<Collector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var received = new ConcurrentQueue<(string, string)>();
            app.MapPost("/v1/{signal}", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                received.Enqueue((context.Request.Path.Value!, Encoding.UTF8.GetString(body.ToArray())));
                return Results.Bytes([], "application/x-protobuf");
            });
            await app.StartAsync();
            return new Collector(app, received);
        }

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }
}
