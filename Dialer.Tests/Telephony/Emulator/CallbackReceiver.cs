using System.Collections.Concurrent;
using Dialer.Core.Telephony;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dialer.Tests.Telephony.Emulator;

/// <summary>A webhook the receiver got, with its signature checked the way our webhook handlers check it.</summary>
public sealed record ReceivedWebhook(string Method, string Path, string Url, IReadOnlyList<KeyValuePair<string, string>> Form,
    string? Signature, string? IdempotencyToken, string? UserAgent, string? ContentType, bool SignatureValid)
{
    public string? this[string key] => Form.LastOrDefault(p => p.Key == key).Value;
}

/// <summary>
/// Our side of the wire for emulator tests: a tiny Kestrel app on a free loopback port that records every webhook,
/// verifies X-Twilio-Signature with <see cref="TwilioSignature"/>, and answers TwiML registered per path (204 otherwise).
/// </summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    readonly WebApplication app;
    readonly ConcurrentQueue<ReceivedWebhook> received = new();
    readonly ConcurrentDictionary<string, (string ContentType, string Body, int Status)> responses = new();

    CallbackReceiver(WebApplication app, string authToken)
    {
        this.app = app;
        app.Run(async ctx =>
        {
            var form = ctx.Request.HasFormContentType
                ? (await ctx.Request.ReadFormAsync()).SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? ""))).ToList()
                : [];
            var url = $"{BaseUrl.ToString().TrimEnd('/')}{ctx.Request.Path}{ctx.Request.QueryString}";
            var signature = ctx.Request.Headers["X-Twilio-Signature"].FirstOrDefault();
            received.Enqueue(new ReceivedWebhook(ctx.Request.Method, ctx.Request.Path, url, form, signature,
                ctx.Request.Headers["I-Twilio-Idempotency-Token"].FirstOrDefault(), ctx.Request.Headers.UserAgent.FirstOrDefault(),
                ctx.Request.ContentType, TwilioSignature.IsValid(authToken, url, form, signature)));
            if (responses.TryGetValue(ctx.Request.Path.Value ?? "", out var response))
            {
                ctx.Response.StatusCode = response.Status;
                ctx.Response.ContentType = response.ContentType;
                await ctx.Response.WriteAsync(response.Body);
            }
            else ctx.Response.StatusCode = 204;
        });
    }

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyList<ReceivedWebhook> Received => [.. received];

    public string Url(string path) => BaseUrl.ToString().TrimEnd('/') + path;

    public static async Task<CallbackReceiver> StartAsync(string authToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var receiver = new CallbackReceiver(builder.Build(), authToken);
        await receiver.app.StartAsync();
        receiver.BaseUrl = new Uri(receiver.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

    public void Respond(string path, string body, string contentType = "text/xml", int status = 200) => responses[path] = (contentType, body, status);

    /// <summary>Waits until <paramref name="count"/> webhooks satisfy <paramref name="match"/>; fails the test after 10 s.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(Func<ReceivedWebhook, bool> match, int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var found = received.Where(match).ToList();
            if (found.Count >= count) return found;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Only {found.Count} of {count} expected webhooks arrived: {string.Join(" | ", received.Select(r => $"{r.Path} {r["CallStatus"]} {r["SequenceNumber"]}"))}");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
