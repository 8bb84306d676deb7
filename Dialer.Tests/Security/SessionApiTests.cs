using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dialer.Core.Accounts;
using Dialer.Core.Audit;
using Dialer.Core.Operators;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Security;

/// <summary>
/// A program signed in with the session cookie (POST /api/session), as the demo's simulated operators are: its unsafe
/// /api calls need the antiforgery token the sign-in returned; signing out ends the session and is audited.
/// </summary>
public sealed class SessionApiTests : DatabaseTest
{
    [Test]
    public async Task A_cookie_session_calls_the_api_with_the_antiforgery_token_it_got_at_sign_in_and_signs_out()
    {
        using var app = new DialerApp();
        await app.AccountAsync("anna", UserRole.Operator);
        await app.Services.GetRequiredService<OperatorDirectory>().SaveAsync(new OperatorProfile("anna", "Anna Bianchi"), default);
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = app.BaseAddress,
        };

        using var session = await client.PostAsJsonAsync("/api/session", new { username = "anna", password = DialerApp.Password });
        var body = await session.Content.ReadFromJsonAsync<JsonElement>();
        var csrf = body.GetProperty("csrfToken").GetString()!;
        using var withoutToken = await client.PostAsync("/api/me/sign-in", null);
        using var signIn = new HttpRequestMessage(HttpMethod.Post, "/api/me/sign-in");
        signIn.Headers.Add("X-CSRF-TOKEN", csrf);
        using var withToken = await client.SendAsync(signIn);
        using var signOut = new HttpRequestMessage(HttpMethod.Delete, "/api/session");
        signOut.Headers.Add("X-CSRF-TOKEN", csrf);
        using var signedOut = await client.SendAsync(signOut);
        using var afterwards = await client.GetAsync("/api/me");
        var actions = (await app.Services.GetRequiredService<AuditLog>().PageAsync(new AuditQuery { Actor = "anna" }, default))
            .Entries.Select(e => e.Action).Reverse();

        var refused = await withoutToken.Content.ReadAsStringAsync();
        var accepted = await withToken.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(session.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body.GetProperty("role").GetString(), Is.EqualTo("operator"));
            Assert.That(withoutToken.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(refused, Does.Contain("X-CSRF-TOKEN"));
            Assert.That(withToken.StatusCode, Is.EqualTo(HttpStatusCode.OK), accepted);
            Assert.That(signedOut.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(afterwards.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(actions, Is.EqualTo(new[] { AuditActions.SignIn, AuditActions.SignOut }));
        });
    }
}
