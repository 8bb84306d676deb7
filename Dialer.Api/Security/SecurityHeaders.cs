using Scalar.AspNetCore;

namespace Dialer.Api.Security;

/// <summary>
/// The browser protections every response carries (pages, API routes, static files, errors, webhooks); the values and
/// their reasons are in docs/security-and-configuration.md.
/// </summary>
static class SecurityHeaders
{
    // Everything from our own origin, nothing inline (the pages keep script and style in wwwroot), no plugins,
    // and no framing by anyone: frame-ancestors for current browsers, X-Frame-Options for older ones.
    // Images and fonts may also be data: URIs, which Bootstrap Italia's stylesheet embeds (a checkbox's tick, a select's
    // arrow, the alerts' icons, one icon font); neither can run script (docs/security-and-configuration.md).
    const string ContentSecurityPolicy =
        "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'; img-src 'self' data:; font-src 'self' data:";

    // The console alone also lets its browser softphone (Twilio's Voice SDK) signal over Twilio's WebSocket edges, report
    // call quality to its event gateway, and play its ring and dial tones from Twilio's SDK host (docs/telephony.md).
    const string ConsolePolicy =
        ContentSecurityPolicy + "; connect-src 'self' wss://*.twilio.com https://eventgw.twilio.com; media-src 'self' https://sdk.twilio.com";

    public static IServiceCollection AddSecurityHeaders(this IServiceCollection services) =>
        // A year, the common minimum for HSTS; no subdomains: the public body's other services are not ours to bind.
        services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            // At the last moment, so that the exception handler's and the status-code pages' answers carry them too.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = context.Items[ScalarOptions.NonceHttpContextItemKey] is string nonce
                    // The API reference page (Development only): its one inline script by nonce, and the styles and
                    // inline images its script injects. Still nothing from another origin.
                    ? $"{ContentSecurityPolicy}; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'"
                    : context.Request.Path.StartsWithSegments("/console") ? ConsolePolicy : ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                return Task.CompletedTask;
            });
            return next(context);
        });
        // HTTPS only from here on, outside Development; sent on HTTPS requests only (RFC 6797), so behind the TLS proxy
        // the proxy must forward the scheme or add the header itself (docs/security-and-configuration.md).
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        return app;
    }
}
