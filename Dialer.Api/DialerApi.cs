using Dialer.Api.Accounts;
using Dialer.Api.Campaigns;
using Dialer.Api.Database;
using Dialer.Api.Dialing;
using Dialer.Api.Logging;
using Dialer.Api.Notices;
using Dialer.Api.Operators;
using Dialer.Api.Outcomes;
using Dialer.Api.Scheduling;
using Dialer.Api.Security;
using Dialer.Api.Supervision;
using Dialer.Api.Telephony;
using Dialer.Core.Telephony;

namespace Dialer.Api;

/// <summary>
/// The table of contents of the API: one line per capability. The entry points register Core and
/// messaging first, so that `dialer demo` can compose the API with the worker in one process.
/// </summary>
public static class DialerApi
{
    public static WebApplicationBuilder AddDialerApi(this WebApplicationBuilder builder)
    {
        // Liveness, and readiness = PostgreSQL reachable and migrations current
        builder.Services.AddDialerHealth();

        // Twilio: the client and its breaker, and the signed webhooks (TwiML, status callbacks, AMD)
        builder.Services.AddTelephony(builder.Configuration).AddTwilioWebhooks();

        // Content-Security-Policy, nosniff, no framing, no referrer on every response; HSTS outside Development
        builder.Services.AddSecurityHeaders();

        // Who is asking: cookie sign-in, personal API tokens, a policy per role (docs/accounts.md)
        builder.Services.AddDialerSignIn(builder.Configuration);
        builder.Services.AddSingleton<SignInFlow>();

        // Each signed-in operator's live events (Server-Sent Events), fed by the bus (docs/operators.md)
        builder.Services.AddOperatorStream();
        // The supervisor's wallboard: one shared timer reads the floor for every open stream (docs/supervision.md)
        builder.Services.AddWallboard();

        builder.Services.AddRazorPages();
        // Italian (and English) text from code is written as characters, not as &#xE0; entities: still encoded for HTML
        // (< > & " '), only letters beyond ASCII are left as they are, as the pages' own markup is.
        builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        builder.Services.AddProblemDetails();
        // Core's domain exceptions (validation, not found, refused) as 400/404/409 problems, in one place
        builder.Services.AddExceptionHandler<DomainProblems>();
        // Enums travel as snake_case strings, as in the documents supervisors write.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(
            new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseLower)));
        builder.Services.AddOpenApi();
        return builder;
    }

    public static WebApplication MapDialerApi(this WebApplication app)
    {
        // One line per request: method, route template (never the path as sent, nor the query), status, duration
        app.UseDialerRequestLogging();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseStaticFiles(new StaticFileOptions { FileProvider = WebRoot });
        app.UseAuthentication();
        app.UseUserLanguage();
        app.UseAuthorization();
        app.UseApiAntiforgery();

        app.MapDialerHealth();
        app.MapTwilioWebhooks();
        app.MapAccountsApi();
        app.MapCampaignsApi();
        app.MapNoticesApi();
        app.MapDialingApi();
        app.MapOperatorsApi();
        app.MapOperatorEventsApi();
        app.MapWallboardApi();
        app.MapCpiSlotsApi();
        app.MapAppointmentsApi();
        app.MapCallsApi();
        // The OpenAPI document and its reference page (/scalar), for admins
        app.MapApiReference();
        // Hangfire's dashboard over the workers' job storage: admins, and supervisors read-only
        app.MapSchedulerDashboard();
        app.MapRazorPages();
        return app;
    }

    // The API's wwwroot is copied beside its assembly, so the same files are served whether the API runs
    // alone or inside `dialer demo`, and whatever the working directory.
    static readonly Microsoft.Extensions.FileProviders.PhysicalFileProvider WebRoot =
        new(Path.Combine(AppContext.BaseDirectory, "wwwroot"));
}
