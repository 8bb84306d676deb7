using System.Security.Claims;
using Dialer.Api.Audit;
using Dialer.Core.Audit;
using Dialer.Core.Operators;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Dialer.Api.Security;

/// <summary>
/// Optional sign-in through a regional identity provider (OpenID Connect, authorization code flow with PKCE), configured
/// under <c>Authentication:OpenIdConnect</c> (docs/accounts.md). The provider's role claim is mapped onto our three
/// roles; an account with none of them is refused. The session is our own cookie afterwards.
/// </summary>
static class ExternalSignIn
{
    public const string Scheme = "oidc";
    public const string Section = "Authentication:OpenIdConnect";

    /// <summary>Marks a principal that came from the identity provider (it has no local security stamp).</summary>
    public const string ProviderClaim = "dialer:provider";

    public static bool IsConfigured(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[$"{Section}:Authority"]);

    /// <summary>The label of the sign-in page's button, e.g. "Accedi con l'identità regionale".</summary>
    public static string ButtonLabel(IConfiguration configuration) =>
        configuration[$"{Section}:DisplayName"] is { Length: > 0 } name ? $"Accedi con {name}" : "Accedi con il fornitore di identità";

    public static void AddIfConfigured(AuthenticationBuilder authentication, IConfiguration configuration)
    {
        if (!IsConfigured(configuration)) return;
        var section = configuration.GetSection(Section);
        var roleClaim = section["RoleClaim"] is { Length: > 0 } r ? r : "roles";
        var nameClaim = section["NameClaim"] is { Length: > 0 } n ? n : "preferred_username";
        // Provider value → our role; by default the provider uses our names.
        var mapping = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var role in new[] { Roles.Operator, Roles.Supervisor, Roles.Admin })
            mapping[section[$"RoleValues:{role}"] is { Length: > 0 } value ? value : role] = role;

        authentication.AddOpenIdConnect(Scheme, section["DisplayName"] ?? "OpenID Connect", o =>
        {
            o.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            o.Authority = section["Authority"];
            o.ClientId = section["ClientId"];
            o.ClientSecret = section["ClientSecret"];
            o.ResponseType = OpenIdConnectResponseType.Code;
            o.UsePkce = true;
            o.CallbackPath = "/signin-oidc";
            o.SignedOutCallbackPath = "/signout-callback-oidc";
            o.RequireHttpsMetadata = section.GetValue("RequireHttpsMetadata", true);
            o.MapInboundClaims = false;
            o.Scope.Clear();
            foreach (var scope in (section["Scopes"] ?? "openid profile").Split(' ', StringSplitOptions.RemoveEmptyEntries)) o.Scope.Add(scope);
            o.Events.OnTokenValidated = async context =>
            {
                var audit = context.HttpContext.RequestServices.GetRequiredService<AuditLog>();
                var incoming = context.Principal!;
                var name = incoming.FindFirstValue(nameClaim);
                var roles = incoming.FindAll(roleClaim).Select(c => mapping.GetValueOrDefault(c.Value)).OfType<string>().Distinct().ToList();
                if (string.IsNullOrWhiteSpace(name) || roles.Count == 0)
                {
                    context.Fail($"The identity provider's account has no {nameClaim} or no Dialer role in the {roleClaim} claim.");
                    await audit.RecordAsync(context.HttpContext.AuditEntry(AuditActions.SignInFailed, detail: new { provider = o.Authority, outcome = "no_role" }) with
                    {
                        Actor = string.IsNullOrWhiteSpace(name) ? "anonymous" : name.Trim().ToLowerInvariant(),
                    }, context.HttpContext.RequestAborted);
                    return;
                }
                var claims = new List<Claim>
                {
                    new(ClaimTypes.Name, name.Trim().ToLowerInvariant()),
                    new(ClaimTypes.GivenName, incoming.FindFirstValue("name") ?? name),
                    new(ProviderClaim, o.Authority ?? ""),
                };
                claims.AddRange(roles.Select(role => new Claim(ClaimTypes.Role, role)));
                context.Principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, ClaimTypes.Name, ClaimTypes.Role));
                // An operator works the console at once: the profile is made with the provider's name (docs/accounts.md).
                if (roles.Contains(Roles.Operator))
                    await context.HttpContext.RequestServices.GetRequiredService<OperatorDirectory>()
                        .EnsureProfileAsync(name.Trim().ToLowerInvariant(), incoming.FindFirstValue("name") ?? name, context.HttpContext.RequestAborted);
                await audit.RecordAsync(context.HttpContext.AuditEntry(AuditActions.SignIn, detail: new { provider = o.Authority }) with
                {
                    Actor = name.Trim().ToLowerInvariant(), ActorRole = roles[0],
                }, context.HttpContext.RequestAborted);
            };
            o.Events.OnRemoteFailure = context =>
            {
                context.Response.Redirect(SignInRegistration.DeniedPath);
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });
    }
}
