using System.Security.Claims;
using Dialer.Core;

namespace Dialer.Api.Security;

/// <summary>
/// Each request reads in its user's language (the <see cref="Claim"/> of the session; Italian without one): the pages,
/// the API's messages and Core's validation messages alike, through <see cref="Text.T"/> (docs/accessibility.md,
/// "Language").
/// </summary>
static class UserLanguage
{
    public const string Claim = "dialer:lang";

    public static WebApplication UseUserLanguage(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            Text.Use(context.User.FindFirstValue(Claim));
            return next(context);
        });
        return app;
    }
}
