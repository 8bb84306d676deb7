namespace Dialer.Api.Security;

/// <summary>
/// Supervisor and IT endpoints exist before sign-in does: until it does, they answer only in the
/// Development environment (the demo, the tests); elsewhere they answer 403 with a problem saying why,
/// so that a production deployment never exposes them unauthenticated.
/// </summary>
static class UntilSignIn
{
    public static TBuilder DevelopmentOnly<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment()
                ? await next(context)
                : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
                    title: "Funzione non disponibile",
                    detail: "This needs the IT or supervisor role; until sign-in exists it is enabled only in the Development environment."));
}
