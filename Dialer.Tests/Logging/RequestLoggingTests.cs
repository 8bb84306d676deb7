using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog.Core;
using Serilog.Events;

namespace Dialer.Tests.Logging;

/// <summary>The API's request log: one line per request, naming the route, never a person (docs/observability.md).</summary>
public sealed class RequestLoggingTests
{
    const string Cf = "RSSMRA80A01F205X";
    const string Phone = "3471234567";

    [Test]
    public async Task Each_request_is_logged_once_by_its_route_template_without_the_path_or_query_that_carried_personal_data()
    {
        var events = new CapturedEvents();
        using var app = new DialerApp(settings: new Dictionary<string, string?> { ["Logging:Level"] = "Information" }, services: s =>
        {
            s.AddSingleton<ILogEventSink>(events);
            s.AddSingleton<IStartupFilter, LogsDuringEachRequest>();
        });

        using var routed = await app.Admin.GetAsync($"/api/operators/{Cf}?phone=%2B39{Phone}&cf={Cf}");
        using var unrouted = await app.Admin.GetAsync($"/api/persone/{Cf}/telefono/{Phone}");
        Assert.That(await Eventually.TrueAsync(() => events.Requests().Count() >= 2, TimeSpan.FromSeconds(10)), Is.True, "a request line per request");

        var lines = events.Requests().Select(e => e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(routed.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(lines, Has.One.StartWith("HTTP \"GET\" \"/api/operators/{identity}\" responded 404 in "));
            Assert.That(lines, Has.One.Contains("\"(no route)\" responded 404"));
            Assert.That(events.Everything().Where(e => e.Contains("logged while handling", StringComparison.Ordinal)).ToList(), Has.Count.EqualTo(2));
            Assert.That(events.Everything(), Has.None.Contains(Cf).And.None.Contains(Phone),
                "no codice fiscale or phone number in any event, the request lines nor what is logged while handling the requests");
        });
    }

    /// <summary>Any code logging while it handles a request (ASP.NET Core adds the request's scope to its events).</summary>
    sealed class LogsDuringEachRequest(ILogger<LogsDuringEachRequest> logger) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, following) =>
            {
                logger.LogWarning("A warning logged while handling a request");
                await following(context);
            });
            next(app);
        };
    }

    /// <summary>Every event the API's logger writes, as the console sink would see it.</summary>
    sealed class CapturedEvents : ILogEventSink
    {
        readonly ConcurrentQueue<LogEvent> events = new();

        public void Emit(LogEvent logEvent) => events.Enqueue(logEvent);

        public IEnumerable<LogEvent> Requests() => events.Where(e =>
            e.Properties.TryGetValue("SourceContext", out var source) && source.ToString().Contains("RequestLoggingMiddleware", StringComparison.Ordinal));

        /// <summary>Each event's message and every property, rendered.</summary>
        public IEnumerable<string> Everything() => events.Select(e =>
            e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture) + " " + string.Join(" ", e.Properties.Select(p => $"{p.Key}={p.Value}")));
    }
}
