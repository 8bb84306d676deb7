using System.Collections.Concurrent;
using System.Net;
using Dialer.Core.Telephony;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dialer.Tests.Telephony;

/// <summary>
/// A tiny Twilio on real Kestrel: records every request as received and answers with scripted responses (status,
/// JSON from docs/twilio-reference.md, delay). The telephony provider is the one thing tests may fake.
/// </summary>
public sealed class FakeTwilio : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "fake-auth-token";
    public const string From = "+390212345678";
    public const string PublicBaseUrl = "https://dialer.example.it";

    readonly WebApplication app;
    readonly ConcurrentQueue<Scripted> script = new();

    FakeTwilio(WebApplication app)
    {
        this.app = app;
    }

    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>What to answer when nothing is scripted: a created call for POST …/Calls.json, else an empty list.</summary>
    public Func<RecordedRequest, Scripted> Default { get; set; } = DefaultAnswer;

    public static async Task<FakeTwilio> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeTwilio(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.BaseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return fake;
    }

    /// <summary>The next requests get these answers, in order.</summary>
    public void Then(params Scripted[] answers)
    {
        foreach (var a in answers) script.Enqueue(a);
    }

    /// <summary>The client, breaker, reconciler and stores, as AddTelephony registers them, aimed at this fake.</summary>
    public ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["Telephony:Provider"] = "Twilio",
            ["Twilio:AccountSid"] = AccountSid,
            ["Twilio:AuthToken"] = AuthToken,
            ["Twilio:From"] = From,
            ["Twilio:BaseUrl"] = BaseUrl.AbsoluteUri,
            ["Twilio:PublicBaseUrl"] = PublicBaseUrl,
            ["Twilio:RequestTimeout"] = "00:00:02",
            ["Twilio:RetryBaseDelay"] = "00:00:00.010",
            ["Twilio:RetryMaxDelay"] = "00:00:00.050",
            ["Twilio:ReconcileDelay"] = "00:00:00.050",
        };
        foreach (var (key, value) in settings) values[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(TestDatabase.DataSource);
        services.AddTelephony(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    public static Scripted Created(string sid, string to = "+393331234567") =>
        new(HttpStatusCode.Created, CallJson(sid, to, "queued", "Sat, 21 Nov 2026 20:00:00 +0000"));

    public static Scripted Error(HttpStatusCode status, int code, string message) =>
        new(status, $$"""{"code": {{code}}, "message": "{{message}}", "more_info": "https://www.twilio.com/docs/errors/{{code}}", "status": {{(int)status}}}""");

    public static string CallJson(string sid, string to, string status, string? dateCreated, string? parentCallSid = null) => $$"""
        {"account_sid": "{{AccountSid}}", "annotation": null, "answered_by": null, "api_version": "2010-04-01", "caller_name": null,
         "date_created": {{Json(dateCreated)}}, "date_updated": {{Json(dateCreated)}}, "direction": "outbound-api", "duration": null,
         "end_time": null, "forwarded_from": null, "from": "{{From}}", "from_formatted": "{{From}}", "group_sid": null,
         "parent_call_sid": {{Json(parentCallSid)}}, "phone_number_sid": "PN0123456789abcdef0123456789abcdef", "price": null,
         "price_unit": "USD", "sid": "{{sid}}", "start_time": null, "status": "{{status}}",
         "subresource_uris": {"notifications": "/2010-04-01/Accounts/{{AccountSid}}/Calls/{{sid}}/Notifications.json"},
         "to": "{{to}}", "to_formatted": "{{to}}", "trunk_sid": null,
         "uri": "/2010-04-01/Accounts/{{AccountSid}}/Calls/{{sid}}.json", "queue_time": "0"}
        """;

    public static string ListJson(string? nextPageUri, params string[] calls) => $$"""
        {"calls": [{{string.Join(",", calls)}}], "end": {{Math.Max(calls.Length - 1, 0)}}, "first_page_uri": "/first",
         "next_page_uri": {{Json(nextPageUri)}}, "page": 0, "page_size": 50, "previous_page_uri": null, "start": 0, "uri": "/this"}
        """;

    async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var recorded = new RecordedRequest(
            context.Request.Method,
            context.Request.Path + context.Request.QueryString,
            context.Request.ContentType,
            context.Request.Headers.Authorization.ToString(),
            context.Request.Headers.Accept.ToString(),
            await reader.ReadToEndAsync());
        Requests.Enqueue(recorded);
        var answer = script.TryDequeue(out var scripted) ? scripted : Default(recorded);
        if (answer.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(answer.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        if (answer.DropConnection)
        {
            context.Abort();   // the request arrived whole; the client sees the connection die with no response
            return;
        }
        context.Response.StatusCode = (int)answer.Status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(answer.Body);
    }

    static Scripted DefaultAnswer(RecordedRequest request) =>
        request.Method == "POST" && request.PathAndQuery.EndsWith("/Calls.json", StringComparison.Ordinal)
            ? Created("CA" + Guid.NewGuid().ToString("N"))
            : new Scripted(HttpStatusCode.OK, ListJson(null));

    static string Json(string? value) => value is null ? "null" : $"\"{value}\"";

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

public sealed record Scripted(HttpStatusCode Status, string Body)
{
    public TimeSpan Delay { get; init; }

    /// <summary>Reads the request, then drops the connection without answering.</summary>
    public bool DropConnection { get; init; }
}

public sealed record RecordedRequest(string Method, string PathAndQuery, string? ContentType, string Authorization, string Accept, string Body);
