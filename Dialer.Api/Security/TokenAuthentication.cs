using System.Security.Claims;
using System.Text.Encodings.Web;
using Dialer.Core.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Dialer.Api.Security;

/// <summary>
/// <c>Authorization: Bearer dlr_…</c>: a personal API token (docs/accounts.md) acts as its account, with the token's
/// role. The token's name travels as a claim so that the audit log says which script acted.
/// </summary>
sealed class TokenAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiTokens tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "token";
    public const string TokenNameClaim = "dialer:token";

    public static bool IsBearer(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!IsBearer(Request)) return AuthenticateResult.NoResult();
        var secret = Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
        if (await tokens.AuthenticateAsync(secret, Context.RequestAborted) is not { } bearer)
            return AuthenticateResult.Fail("The token is unknown, revoked or expired, or its account is deactivated.");
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, bearer.Username),
            new Claim(ClaimTypes.GivenName, bearer.DisplayName),
            new Claim(ClaimTypes.Role, UserAccounts.RoleCode(bearer.Role)),
            new Claim(TokenNameClaim, bearer.TokenName),
            new Claim(UserLanguage.Claim, bearer.Language),
        ], SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
