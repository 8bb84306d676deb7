using System.Collections.Concurrent;
using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Web;
using Dialer.Core.Audit;
using Dialer.Core.Operators;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Dialer.Tests.Security;

/// <summary>
/// Sign-in through a regional identity provider (docs/accounts.md, "OpenID Connect"), end to end over real HTTP: a small
/// provider on its own Kestrel (discovery, keys, token endpoint; the test plays the browser at its authorize step) and the
/// real API configured for it. The provider's group claim becomes our role; an account with none is refused.
/// </summary>
public sealed class OpenIdConnectTests : DatabaseTest
{
    [Test]
    public async Task A_provider_account_signs_in_with_the_role_its_group_maps_to_and_is_audited()
    {
        await using var provider = await FakeProvider.StartAsync();
        using var app = Api(provider);
        using var browser = Browser(app);

        var home = await provider.SignInAsync(browser, app, "m.verdi", "Marco Verdi", ["CPI-Supervisori", "altro"]);
        using var status = await browser.GetAsync("/");
        using var operatorsOnly = await browser.GetAsync("/console");
        var signIns = (await app.Services.GetRequiredService<AuditLog>().PageAsync(new AuditQuery { Action = AuditActions.SignIn }, default)).Entries;

        Assert.Multiple(() =>
        {
            Assert.That(home, Is.EqualTo("/"), "back where the sign-in started");
            Assert.That(status.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a supervisor's page, on our own cookie");
            Assert.That(operatorsOnly.Headers.Location?.AbsolutePath, Is.EqualTo("/accesso-negato"), "the mapped role, and only it");
            Assert.That(signIns.Select(e => (e.Actor, e.ActorRole)), Is.EqualTo(new[] { ("m.verdi", (string?)"supervisor") }));
        });
    }

    [Test]
    public async Task An_operator_from_the_provider_gets_a_console_profile_and_an_account_without_a_role_is_refused()
    {
        await using var provider = await FakeProvider.StartAsync();
        using var app = Api(provider);
        using var operatorBrowser = Browser(app);
        using var strangerBrowser = Browser(app);

        await provider.SignInAsync(operatorBrowser, app, "a.neri", "Anna Neri", ["CPI-Operatori"]);
        using var console = await operatorBrowser.GetAsync("/console");
        var refused = await provider.SignInAsync(strangerBrowser, app, "x.rossi", "Ugo Rossi", ["Protocollo"]);
        using var afterRefusal = await strangerBrowser.GetAsync("/");
        var profile = await app.Services.GetRequiredService<OperatorDirectory>().FindAsync("a.neri", default);
        var failed = (await app.Services.GetRequiredService<AuditLog>().PageAsync(new AuditQuery { Action = AuditActions.SignInFailed }, default)).Entries;

        Assert.Multiple(() =>
        {
            Assert.That(console.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the operator works the console at once");
            Assert.That(profile?.DisplayName, Is.EqualTo("Anna Neri"));
            Assert.That(refused, Is.EqualTo("/accesso-negato"));
            Assert.That(afterRefusal.Headers.Location?.AbsolutePath, Is.EqualTo("/accedi"), "no session for a refused account");
            Assert.That(failed.Select(e => e.Actor), Is.EqualTo(new[] { "x.rossi" }));
        });
    }

    static DialerApp Api(FakeProvider provider) => new(settings: new Dictionary<string, string?>
    {
        ["Authentication:OpenIdConnect:Authority"] = provider.Issuer,
        ["Authentication:OpenIdConnect:ClientId"] = FakeProvider.ClientId,
        ["Authentication:OpenIdConnect:ClientSecret"] = "segreto-di-prova",
        ["Authentication:OpenIdConnect:DisplayName"] = "l'identità regionale",
        ["Authentication:OpenIdConnect:RequireHttpsMetadata"] = "false",
        ["Authentication:OpenIdConnect:RoleClaim"] = "groups",
        ["Authentication:OpenIdConnect:RoleValues:operator"] = "CPI-Operatori",
        ["Authentication:OpenIdConnect:RoleValues:supervisor"] = "CPI-Supervisori",
        ["Authentication:OpenIdConnect:RoleValues:admin"] = "CPI-Amministratori",
    }, services: s => s.PostConfigure<OpenIdConnectOptions>("oidc", o =>
    {
        // Over the tests' plain HTTP the browser would not send back the Secure cookies that production (HTTPS) uses.
        o.CorrelationCookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
        o.NonceCookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
    }));

    static HttpClient Browser(DialerApp app) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };

    /// <summary>An identity provider with one signing key that issues an ID token for whoever the test names.</summary>
    sealed class FakeProvider : IAsyncDisposable
    {
        public const string ClientId = "dialer";
        readonly WebApplication host;
        readonly RSA rsa = RSA.Create(2048);
        readonly ConcurrentDictionary<string, (string Nonce, string Username, string Name, string[] Groups)> codes = new();

        FakeProvider(WebApplication host) => this.host = host;

        public string Issuer { get; private set; } = "";

        public static async Task<FakeProvider> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var provider = new FakeProvider(builder.Build());
            provider.Map();
            await provider.host.StartAsync();
            provider.Issuer = provider.host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
            return provider;
        }

        void Map()
        {
            host.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = Issuer,
                ["authorization_endpoint"] = $"{Issuer}/authorize",
                ["token_endpoint"] = $"{Issuer}/token",
                ["jwks_uri"] = $"{Issuer}/jwks",
                ["response_types_supported"] = new[] { "code" },
                ["subject_types_supported"] = new[] { "public" },
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            }));
            host.MapGet("/jwks", () =>
            {
                var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = "k1" });
                return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
            });
            host.MapPost("/token", async (HttpRequest request) =>
            {
                var form = await request.ReadFormAsync();
                if (!codes.TryRemove(form["code"].ToString(), out var who)) return Results.BadRequest();
                var now = DateTime.UtcNow;
                var token = new JwtSecurityTokenHandler().CreateEncodedJwt(new SecurityTokenDescriptor
                {
                    Issuer = Issuer,
                    Audience = ClientId,
                    IssuedAt = now,
                    NotBefore = now,
                    Expires = now.AddMinutes(5),
                    SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256),
                    Subject = new ClaimsIdentity(
                    [
                        new Claim("sub", who.Username), new Claim("nonce", who.Nonce), new Claim("preferred_username", who.Username),
                        new Claim("name", who.Name), .. who.Groups.Select(g => new Claim("groups", g)),
                    ]),
                });
                return Results.Json(new { access_token = "non-usato", token_type = "Bearer", expires_in = 300, id_token = token });
            });
        }

        /// <summary>
        /// The browser's part: Dialer's sign-in page sends it to the provider, which (having signed the person in) sends it
        /// back with a code; Dialer redeems the code for the ID token. Returns where Dialer sends the browser at the end.
        /// </summary>
        public async Task<string?> SignInAsync(HttpClient browser, DialerApp app, string username, string name, string[] groups)
        {
            var page = await browser.GetStringAsync("/accedi");
            var antiforgery = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
            using var challenge = await browser.PostAsync("/accedi?handler=Esterno", new FormUrlEncodedContent(
                [new("__RequestVerificationToken", antiforgery), new("returnUrl", "")]));
            Assert.That(challenge.Headers.Location?.GetLeftPart(UriPartial.Path), Is.EqualTo($"{Issuer}/authorize"), "sent to the provider");
            var query = HttpUtility.ParseQueryString(challenge.Headers.Location!.Query);
            var code = Guid.NewGuid().ToString("N");
            codes[code] = (query["nonce"]!, username, name, groups);
            // The provider's answer comes back as a form post (response_mode=form_post), as a browser would send it.
            using var callback = await browser.PostAsync(new Uri(query["redirect_uri"]!).AbsolutePath, new FormUrlEncodedContent(
                [new("code", code), new("state", query["state"]!)]));
            return callback.Headers.Location is { } location ? (location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?')[0]) : null;
        }

        public async ValueTask DisposeAsync()
        {
            await host.DisposeAsync();
            rsa.Dispose();
        }
    }
}
