using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text;

namespace Dialer.Worker.Telephony.Emulator;

/// <summary>
/// The Twilio REST surface the emulator serves (docs/twilio-reference.md §1, §7.1): the Calls resource, with Twilio's paths (case-sensitive,
/// .json required), Basic auth, form parameters, JSON shapes, status codes and error JSON; and the create faults on demand.
/// </summary>
static partial class TwilioRestApi
{
    /// <summary>
    /// One fallback endpoint that matches the paths itself: ASP.NET routing is case-insensitive, and Twilio's paths are
    /// not (/calls is a 404). Being the fallback, it leaves /_emulator to the control API.
    /// </summary>
    public static void UseTwilioRestApi(this WebApplication app) => app.MapFallback("{**path}", HandleAsync);

    static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [GeneratedRegex("^/2010-04-01/Accounts/(?<account>[^/]+)(?<rest>/.*)?$")]
    private static partial Regex AccountPath();

    [GeneratedRegex(@"^/Calls(?:/(?<sid>[^/]+))?\.json$")]
    private static partial Regex CallsPath();

    static async Task HandleAsync(HttpContext ctx)
    {
        var emulator = ctx.RequestServices.GetRequiredService<TwilioEmulator>();
        var inFlight = emulator.EnterRequest();
        ctx.Response.Headers["Twilio-Request-Id"] = "RQ" + EmulatorOptions.RandomHex(32);
        ctx.Response.Headers["Twilio-Concurrent-Requests"] = inFlight.ToString(CultureInfo.InvariantCulture);
        try
        {
            var path = ctx.Request.Path.Value ?? "/";
            var account = AccountPath().Match(path);
            if (!account.Success) throw TwilioApiException.NotFound(path);
            if (!Authenticated(ctx, emulator, account.Groups["account"].Value))
            {
                ctx.Response.Headers.WWWAuthenticate = "Basic realm=\"Twilio API\"";
                throw TwilioApiException.Authenticate();
            }
            // REST concurrency overload: refused before anything is processed, so always safe to retry (docs/twilio-reference.md §5.3).
            if (emulator.Options.MaxConcurrentRequests > 0 && inFlight > emulator.Options.MaxConcurrentRequests)
                throw TwilioApiException.TooManyRequests();
            var calls = CallsPath().Match(account.Groups["rest"].Value);
            if (!calls.Success) throw TwilioApiException.NotFound(path);
            var sid = calls.Groups["sid"].Success ? calls.Groups["sid"].Value : null;
            await ((ctx.Request.Method, sid) switch
            {
                ("POST", null) => CreateAsync(ctx, emulator),
                ("GET", null) => WriteAsync(ctx, 200, Envelope(CallList.Query(emulator.Calls, emulator.AccountSid, Query(ctx)))),
                ("GET", not null) => WriteAsync(ctx, 200, CallResource.Of(emulator.Fetch(sid, path))),
                ("POST", not null) => WriteAsync(ctx, 200, CallResource.Of(emulator.Update(sid, path, await FormAsync(ctx)))),
                ("DELETE", not null) => DeleteAsync(ctx, emulator, sid, path),
                _ => throw new TwilioApiException(405, 20004, "Method not allowed"),
            });
        }
        catch (TwilioApiException ex)
        {
            await WriteErrorAsync(ctx, ex);
        }
        finally
        {
            emulator.LeaveRequest();
        }
    }

    static async Task CreateAsync(HttpContext ctx, TwilioEmulator emulator)
    {
        var form = await FormAsync(ctx);
        var fault = emulator.TakeCreateFault();
        if (fault is { CreatesCall: false })
        {
            await ApplyAsync(ctx, fault, created: null);
            return;
        }
        var (_, created) = emulator.Create(form);
        if (fault is not null) await ApplyAsync(ctx, fault, created);
        else await WriteAsync(ctx, 201, created);
    }

    static async Task ApplyAsync(HttpContext ctx, CreateFault fault, CallResource? created)
    {
        switch (fault.Kind)
        {
            case CreateFaultKind.TooManyRequests:
                await WriteErrorAsync(ctx, TwilioApiException.TooManyRequests());
                break;
            case CreateFaultKind.ServerError or CreateFaultKind.ServerErrorAfterCreate:
                await WriteErrorAsync(ctx, new TwilioApiException(500, 20500, "An internal server error has occurred"));
                break;
            case CreateFaultKind.ServiceUnavailable:
                await WriteErrorAsync(ctx, new TwilioApiException(503, 20503, "Service unavailable"));
                break;
            case CreateFaultKind.ConnectionReset or CreateFaultKind.ConnectionResetAfterCreate:
                ctx.Abort();
                break;
            case CreateFaultKind.Timeout or CreateFaultKind.TimeoutAfterCreate:
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(fault.HangSeconds), ctx.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;   // the client gave up, as intended
                }
                if (created is null) ctx.Abort();
                else await WriteAsync(ctx, 201, created);   // far too late for any sane client timeout
                break;
        }
    }

    static async Task DeleteAsync(HttpContext ctx, TwilioEmulator emulator, string sid, string path)
    {
        emulator.Delete(sid, path);
        ctx.Response.StatusCode = 204;
        await Task.CompletedTask;
    }

    static bool Authenticated(HttpContext ctx, TwilioEmulator emulator, string pathAccountSid)
    {
        if (!AuthenticationHeaderValue.TryParse(ctx.Request.Headers.Authorization, out var header) ||
            !header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
            return false;
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return false;
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && emulator.Authenticates(decoded[..colon], decoded[(colon + 1)..], pathAccountSid);
    }

    /// <summary>Every pair, repeated keys kept in order (StatusCallbackEvent=…&amp;StatusCallbackEvent=…), '+' decoded as a space.</summary>
    static async Task<IReadOnlyList<KeyValuePair<string, string>>> FormAsync(HttpContext ctx)
    {
        if (!ctx.Request.HasFormContentType) return [];
        var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
        return [.. form.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? "")))];
    }

    static List<KeyValuePair<string, string>> Query(HttpContext ctx) =>
        [.. ctx.Request.Query.SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? "")))];

    static object Envelope(CallPage page) => new Dictionary<string, object?>
    {
        ["calls"] = page.Calls.Select(CallResource.Of).ToList(),
        ["end"] = Math.Max(0, page.Start + page.Calls.Count - 1),
        ["first_page_uri"] = page.FirstPageUri,
        ["next_page_uri"] = page.NextPageUri,
        ["page"] = page.Page,
        ["page_size"] = page.PageSize,
        ["previous_page_uri"] = page.PreviousPageUri,
        ["start"] = page.Start,
        ["uri"] = page.Uri,
    };

    static Task WriteErrorAsync(HttpContext ctx, TwilioApiException ex)
    {
        var body = new Dictionary<string, object>
        {
            ["code"] = ex.Code,
        };
        if (ex.Detail is not null) body["detail"] = ex.Detail;
        body["message"] = ex.Message;
        body["more_info"] = ex.MoreInfo;
        body["status"] = ex.Status;
        return WriteAsync(ctx, ex.Status, body);
    }

    static async Task WriteAsync<T>(HttpContext ctx, int status, T body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(ctx.Response.Body, body, Json, ctx.RequestAborted);
    }
}
