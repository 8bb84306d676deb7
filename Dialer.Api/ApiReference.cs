using Dialer.Api.Security;
using Scalar.AspNetCore;

namespace Dialer.Api;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>) and a page to read it (<c>/scalar</c>, Scalar's reference), for
/// whoever integrates with the API. Both describe every route, so both need the admin role.
/// </summary>
static class ApiReference
{
    public const string PagePath = "/scalar";

    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapOpenApi().RequireAuthorization(Roles.Admin);
        app.MapScalarApiReference(PagePath, o => o
            .WithTitle("Dialer API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            // Nothing leaves for Scalar's servers: no usage telemetry, no fonts from its CDN (the script is served by us).
            .DisableTelemetry()
            .DisableDefaultFonts()
            // The page starts Scalar with an inline script: a fresh nonce per response, which the CSP names (SecurityHeaders).
            .WithNonce()).RequireAuthorization(Roles.Admin);
        return app;
    }
}
