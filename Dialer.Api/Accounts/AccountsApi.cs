using System.Security.Claims;
using Dialer.Api.Audit;
using Dialer.Api.Security;
using Dialer.Core.Accounts;
using Dialer.Core.Audit;
using Dialer.Core.Operators;
using Dialer.Core;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Api.Accounts;

/// <summary>
/// Sessions (sign in and out as a program would: the demo's simulated operators use this), one's own password, and, for
/// admins, accounts and personal API tokens (docs/accounts.md).
/// </summary>
static class AccountsApi
{
    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var session = app.MapGroup("/api/session").WithTags("Accounts");
        session.MapPost("/", SignIn).AllowAnonymous().ProducesProblem(StatusCodes.Status401Unauthorized);
        session.MapDelete("/", async (HttpContext context) =>
        {
            await context.AuditAsync(AuditActions.SignOut);
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.NoContent();
        });
        app.MapPost("/api/me/password", ChangePassword).WithTags("Accounts").ProducesValidationProblem();

        var users = app.MapGroup("/api/users").WithTags("Accounts").RequireAuthorization(Roles.Admin);
        users.MapGet("/", async (UserAccounts accounts, CancellationToken ct) => TypedResults.Ok(await accounts.ListAsync(ct)));
        users.MapPut("/{username}", SaveUser).ProducesValidationProblem();

        var tokens = app.MapGroup("/api/tokens").WithTags("Accounts").RequireAuthorization(Roles.Admin);
        tokens.MapGet("/", async (ApiTokens store, CancellationToken ct) => TypedResults.Ok(await store.ListAsync(ct)));
        tokens.MapPost("/", CreateToken).ProducesValidationProblem();
        tokens.MapDelete("/{id:long}", async Task<Results<NoContent, NotFound>> (long id, ApiTokens store, HttpContext context, CancellationToken ct) =>
        {
            if (!await store.RevokeAsync(id, ct)) return TypedResults.NotFound();
            await context.AuditAsync(AuditActions.TokenRevoked, subject: $"token:{id}");
            return TypedResults.NoContent();
        });
        return app;
    }

    /// <summary>
    /// A program's sign-in (the demo's simulated operators): the session cookie, and the antiforgery token its unsafe
    /// <c>/api</c> calls send in <c>X-CSRF-TOKEN</c> (a personal API token needs neither).
    /// </summary>
    static async Task<Results<Ok<SessionView>, ProblemHttpResult>> SignIn(SessionBody body, HttpContext context, SignInFlow flow, IAntiforgery antiforgery)
    {
        var result = await flow.SignInAsync(context, body.Username, body.Password, persistent: false);
        return result.User is { } user
            ? TypedResults.Ok(new SessionView(user.Username, user.DisplayName, UserAccounts.RoleCode(user.Role),
                antiforgery.GetAndStoreTokens(context).RequestToken!))
            : TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Accesso non riuscito", detail: flow.Refusal(result));
    }

    static async Task<NoContent> ChangePassword(PasswordBody body, ClaimsPrincipal user, UserAccounts accounts, HttpContext context, CancellationToken ct)
    {
        await accounts.ChangePasswordAsync(user.Username(), body.CurrentPassword ?? "", body.NewPassword ?? "", ct);
        await context.AuditAsync(AuditActions.UserChanged, subject: $"user:{user.Username()}", detail: new { password = "changed" });
        // The stamp rotated with the password: this session continues under the new one, the others end.
        if (await accounts.FindAsync(user.Username(), ct) is { } account && !TokenAuthentication.IsBearer(context.Request))
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
                SignInRegistration.Principal(account, CookieAuthenticationDefaults.AuthenticationScheme));
        return TypedResults.NoContent();
    }

    /// <summary>Creates the account (a password is then required) or changes it; a role change ends its sessions.</summary>
    static async Task<Results<Created<UserAccount>, Ok<UserAccount>, ValidationProblem>> SaveUser(string username, UserBody body,
        UserAccounts accounts, OperatorDirectory directory, HttpContext context, CancellationToken ct)
    {
        if (UserAccounts.ParseRole(body.Role) is not { } role)
            return DomainProblems.Invalid([UserAccounts.UnknownRole("role", body.Role)], Text.T("Account non valido", "Account not valid"));
        if (await accounts.FindAsync(username, ct) is null)
        {
            if (body.Password is null) return DomainProblems.Invalid([Text.T("password: obbligatoria per un nuovo account.", "password: required for a new account.")], Text.T("Account non valido", "Account not valid"));
            var added = await accounts.AddAsync(username, body.Name ?? "", role, body.Password, ct);
            await context.AuditAsync(AuditActions.UserChanged, subject: $"user:{added.Username}", detail: UserAccounts.AuditDetail(added, "created", passwordSet: true));
            if (added.Role == UserRole.Operator) await directory.EnsureProfileAsync(added, ct);
            return TypedResults.Created($"/api/users/{username}", added);
        }
        var saved = await accounts.UpdateAsync(username, body.Name ?? "", role, body.Active ?? true, body.Password, ct);
        if (saved.Role == UserRole.Operator) await directory.EnsureProfileAsync(saved, ct);
        await context.AuditAsync(AuditActions.UserChanged, subject: $"user:{saved.Username}", detail: UserAccounts.AuditDetail(saved, "updated", body.Password is not null));
        return TypedResults.Ok(saved);
    }

    static async Task<Results<Created<CreatedApiToken>, ValidationProblem>> CreateToken(TokenBody body, ClaimsPrincipal user, ApiTokens store,
        HttpContext context, CancellationToken ct)
    {
        if (UserAccounts.ParseRole(body.Role) is not { } role)
            return DomainProblems.Invalid([UserAccounts.UnknownRole("role", body.Role)], Text.T("Token non valido", "Token not valid"));
        var created = await store.CreateAsync(body.Username ?? "", body.Name ?? "", role, body.ExpiresAt, user.Actor(), ct);
        await context.AuditAsync(AuditActions.TokenCreated, subject: $"token:{created.Token.Id}", detail: ApiTokens.AuditDetail(created.Token));
        return TypedResults.Created($"/api/tokens/{created.Token.Id}", created);
    }
}

sealed record SessionBody(string? Username, string? Password);

sealed record SessionView(string Username, string Name, string Role, string CsrfToken);

sealed record PasswordBody(string? CurrentPassword, string? NewPassword);

/// <summary>PUT /api/users/{username}: a password creates or resets it (the user should change it at first sign-in).</summary>
sealed record UserBody(string? Name, string? Role, bool? Active, string? Password);

sealed record TokenBody(string? Username, string? Name, string? Role, DateTimeOffset? ExpiresAt);
