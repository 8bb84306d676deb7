using System.Text;
using System.Threading.Channels;
using Dialer.Core;
using Microsoft.AspNetCore.Http.Features;

namespace Dialer.Api;

/// <summary>
/// How every Server-Sent Events stream of the API is written (the operator's events, the supervisor's wallboard): until
/// the client goes away or the host stops, <c>retry:</c> first, then each item as <c>event:</c> and <c>data:</c> lines,
/// flushed at once, and a comment line when nothing came for <see cref="Heartbeat"/>. Items are written in the reader's
/// language as the stream opened (the request's <see cref="Text.IsEnglish"/>).
/// </summary>
static class ServerSentEvents
{
    /// <summary>A comment line this often keeps proxies and the browser from closing an idle stream (most cut at 30–60 s).</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    /// <summary>How long the browser waits before reconnecting a dropped stream.</summary>
    public const int RetryMilliseconds = 3000;

    /// <summary>
    /// Writes the stream of <paramref name="open"/>'s channel; <paramref name="open"/> subscribes before the first byte, so
    /// whoever has read the retry line gets every item from then on. <paramref name="format"/> gives an item's event name
    /// and its data (one line of JSON) in the reader's language.
    /// </summary>
    public static async Task WriteAsync<TConnection, TItem>(HttpContext http, Func<TConnection> open, Func<TConnection, ChannelReader<TItem>> items,
        Func<TItem, bool, (string Event, string Data)> format) where TConnection : IDisposable
    {
        var stopping = http.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var done = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        var ct = done.Token;
        var english = Text.IsEnglish;

        http.Response.ContentType = "text/event-stream; charset=utf-8";
        http.Response.Headers.CacheControl = "no-cache, no-store";
        http.Response.Headers["X-Accel-Buffering"] = "no";   // nginx: do not hold events back
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using var connection = open();
        var reader = items(connection);
        var body = http.Response.Body;
        try
        {
            await WriteAsync(body, $"retry: {RetryMilliseconds}\n\n", ct);
            while (!ct.IsCancellationRequested)
            {
                if (!await WaitAsync(reader, ct))
                {
                    await WriteAsync(body, ": heartbeat\n\n", ct);
                    continue;
                }
                while (reader.TryRead(out var item))
                {
                    var (name, data) = format(item, english);
                    await WriteAsync(body, $"event: {name}\ndata: {data}\n\n", ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The browser closed the page or the host is stopping: the stream simply ends.
        }
    }

    /// <summary>True when items are waiting; false when the heartbeat is due first.</summary>
    static async Task<bool> WaitAsync<TItem>(ChannelReader<TItem> reader, CancellationToken ct)
    {
        using var beat = CancellationTokenSource.CreateLinkedTokenSource(ct);
        beat.CancelAfter(Heartbeat);
        try
        {
            return await reader.WaitToReadAsync(beat.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    static async Task WriteAsync(Stream body, string text, CancellationToken ct)
    {
        await body.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        await body.FlushAsync(ct);
    }
}
