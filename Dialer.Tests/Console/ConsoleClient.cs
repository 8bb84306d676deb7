using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dialer.Core.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.OperatorConsole;

/// <summary>
/// A browser without JavaScript on the console: signed in with the cookie through POST /api/session, it reads the page
/// (HTML entities decoded) and posts its forms with the antiforgery token the page carries; redirects are not followed.
/// </summary>
public static partial class ConsoleClient
{
    public static async Task<HttpClient> SignedInAsync(DialerApp app, string username, UserRole role)
    {
        var accounts = app.Services.GetRequiredService<UserAccounts>();
        if (await accounts.FindAsync(username, default) is null) await accounts.AddAsync(username, username, role, DialerApp.Password, default);
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        var session = await client.PostAsJsonAsync("/api/session", new { username, password = DialerApp.Password });
        Assert.That(session.StatusCode, Is.EqualTo(HttpStatusCode.OK), await session.Content.ReadAsStringAsync());
        return client;
    }

    public static async Task<string> PageAsync(this HttpClient client)
    {
        var response = await client.GetAsync("/console");
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        return html;
    }

    /// <summary>Posts a page handler's form (fields as a=b&amp;c=d) with the page's antiforgery token.</summary>
    public static async Task<(HttpStatusCode Status, string Html)> PostAsync(this HttpClient client, string handler, string fields = "")
    {
        var token = Token(await client.PageAsync());
        var response = await client.PostAsync($"/console?handler={handler}", Form($"__RequestVerificationToken={token}&{fields}"));
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    public static FormUrlEncodedContent Form(string fields) => new(fields.Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(pair => pair.Split('=', 2)).Select(kv => new KeyValuePair<string, string>(kv[0], kv.Length > 1 ? kv[1] : "")));

    public static string Token(string html) => TokenPattern().Match(html).Groups[1].Value;

    public static string H1(string html) => H1Pattern().Match(html).Groups[1].Value.Trim();

    public static string Text(string html) => Regex.Replace(Regex.Replace(html, "<[^>]+>", " "), "\\s+", " ");

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("<h1>(.*?)</h1>", RegexOptions.Singleline)]
    private static partial Regex H1Pattern();
}
