namespace Dialer.Api.Security;

/// <summary>
/// Supervisor and IT endpoints exist before sign-in does: until it does, they answer only in the
/// Development environment (the demo, the tests) and are 404 elsewhere, so that a production
/// deployment never exposes them unauthenticated.
/// </summary>
static class UntilSignIn
{
    public static TBuilder DevelopmentOnly<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment()
                ? await next(context)
                : TypedResults.NotFound());
}
