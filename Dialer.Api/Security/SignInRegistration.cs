using System.Security.Claims;
using Dialer.Core.Accounts;
using Dialer.Core;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection;

namespace Dialer.Api.Security;

/// <summary>
/// Who is asking, and what each role may reach (docs/accounts.md): cookie sign-in for the pages (and the pages' own API
/// calls, with antiforgery), personal API tokens for scripts, optionally OpenID Connect, and a policy per role. Every
/// endpoint and page needs a signed-in role unless it allows anonymous callers (health, the Twilio webhooks, the
/// sign-in page); static files are served before authorization.
/// </summary>
public static class SignInRegistration
{
    public const string SignInPath = "/accedi";
    public const string SignOutPath = "/esci";
    public const string DeniedPath = "/accesso-negato";

    /// <summary>Chooses per request: a bearer token, else the cookie.</summary>
    const string Smart = "dialer";

    /// <summary>The antiforgery header the pages' scripts send on every state-changing API call.</summary>
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";

    public static IServiceCollection AddDialerSignIn(this IServiceCollection services, IConfiguration configuration)
    {
        // Cookies and antiforgery tokens are protected by keys every replica shares, in PostgreSQL.
        services.AddDataProtection().SetApplicationName("dialer");
        services.AddOptions<KeyManagementOptions>().Configure<DataProtectionKeys>((o, keys) => o.XmlRepository = keys);
        services.AddAntiforgery(o =>
        {
            o.HeaderName = AntiforgeryHeader;
            o.Cookie.Name = "dialer-af";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });

        var authentication = services.AddAuthentication(Smart)
            .AddPolicyScheme(Smart, "Cookie or token", o => o.ForwardDefaultSelector = context =>
                TokenAuthentication.IsBearer(context.Request)
                    ? TokenAuthentication.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthentication>(TokenAuthentication.SchemeName, null)
            .AddCookie(o =>
            {
                o.Cookie.Name = "dialer";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = SignInPath;
                o.LogoutPath = SignOutPath;
                o.AccessDeniedPath = DeniedPath;
                // A working day; each request within it slides the expiry.
                o.ExpireTimeSpan = TimeSpan.FromHours(10);
                o.SlidingExpiration = true;
                // The API answers 401/403 with a problem; only pages are redirected to the sign-in page.
                o.Events.OnRedirectToLogin = context => Answer(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => Answer(context, StatusCodes.Status403Forbidden);
                o.Events.OnValidatePrincipal = SessionCheck.ValidateAsync;
            });
        ExternalSignIn.AddIfConfigured(authentication, configuration);

        services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Operator, p => p.RequireRole(Roles.Operator))
            .AddPolicy(Roles.Supervisor, p => p.RequireRole(Roles.Supervisor, Roles.Admin))
            .AddPolicy(Roles.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Roles.AnyRole, p => p.RequireRole(Roles.Operator, Roles.Supervisor, Roles.Admin))
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder()
                .RequireRole(Roles.Operator, Roles.Supervisor, Roles.Admin).Build());
        return services;
    }

    /// <summary>
    /// The principal a signed-in account carries: its username (the operator identity, for operators), display name and
    /// role, and the security stamp that a role change, a deactivation or a new password rotates.
    /// </summary>
    public static ClaimsPrincipal Principal(UserAccount account, string authenticationType) =>
        new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, account.Username),
            new Claim(ClaimTypes.GivenName, account.DisplayName),
            new Claim(ClaimTypes.Role, UserAccounts.RoleCode(account.Role)),
            new Claim(SessionCheck.StampClaim, account.SecurityStamp.ToString("N")),
            new Claim(UserLanguage.Claim, account.Language),
        ], authenticationType, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>
    /// Antiforgery on every state-changing API call that rides on the sign-in cookie (the pages' scripts send the token in
    /// <see cref="AntiforgeryHeader"/>). A bearer token is not ambient, so a script using one needs none. Razor Pages check
    /// their own forms.
    /// </summary>
    public static WebApplication UseApiAntiforgery(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/api")
                && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method)
                && context.User.Identity is { IsAuthenticated: true }
                && !TokenAuthentication.IsBearer(context.Request)
                && !await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context))
            {
                await Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: Text.T("Richiesta non valida", "Request not valid"),
                    detail: Text.T($"Una richiesta della pagina deve portare il token antiforgery nell'intestazione {AntiforgeryHeader}: ricaricare la pagina.", $"A request from the page must carry the antiforgery token in the {AntiforgeryHeader} header: reload the page."))
                    .ExecuteAsync(context);
                return;
            }
            await next(context);
        });
        return app;
    }

    static Task Answer(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.Redirect(context.RedirectUri);
            return Task.CompletedTask;
        }
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
