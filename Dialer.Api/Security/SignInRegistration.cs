using Microsoft.AspNetCore.Authentication.Cookies;

namespace Dialer.Api.Security;

/// <summary>
/// Who is asking, and what each role may reach (docs/accounts.md): cookie sign-in for the pages, and a policy per
/// role. Every endpoint and page needs a signed-in role unless it says otherwise (health, the Twilio webhooks and the
/// sign-in page allow anonymous callers; static files are served before authorization).
/// </summary>
static class SignInRegistration
{
    public const string SignInPath = "/accedi";
    public const string SignOutPath = "/esci";
    public const string DeniedPath = "/accesso-negato";

    public static IServiceCollection AddDialerSignIn(this IServiceCollection services)
    {
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
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
            });

        services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Operator, p => p.RequireRole(Roles.Operator))
            .AddPolicy(Roles.Supervisor, p => p.RequireRole(Roles.Supervisor, Roles.Admin))
            .AddPolicy(Roles.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Roles.AnyRole, p => p.RequireRole(Roles.Operator, Roles.Supervisor, Roles.Admin));
        return services;
    }

    static Task Answer(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
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
