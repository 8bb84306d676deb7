using System.Net;
using System.Text;
using System.Text.Json;
using Dialer.Core.Accounts;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Security;

/// <summary>
/// Who may reach what: every route of the OpenAPI document and every page, asked by nobody and by each role, against
/// the written matrix in route-matrix.txt (docs/accounts.md). A route or page missing from the matrix fails the test,
/// and so does a row that names nothing, so the matrix cannot drift from the application.
/// </summary>
public sealed class RouteMatrixTests : DatabaseTest
{
    static readonly string[] Askers = ["anonymous", "operator", "supervisor", "admin"];

    sealed record Row(string Method, string Path, IReadOnlyDictionary<string, string> Expected, int Line);

    [Test]
    public async Task Every_route_and_page_answers_each_role_and_nobody_as_the_written_matrix_says()
    {
        await CleanDatabaseAsync();
        using var app = new DialerApp(environment: "Production", settings: ProductionTelephony.Settings);
        var clients = new Dictionary<string, HttpClient> { ["anonymous"] = NoRedirects(app, null) };
        foreach (var role in new[] { UserRole.Operator, UserRole.Supervisor, UserRole.Admin })
        {
            var name = UserAccounts.RoleCode(role);
            await app.Services.GetRequiredService<UserAccounts>().AddAsync($"matrix-{name}", name, role, DialerApp.Password, default);
            var token = await app.Services.GetRequiredService<ApiTokens>().CreateAsync($"matrix-{name}", "matrix", role, null, "test", default);
            clients[name] = NoRedirects(app, token.Secret);
        }
        var matrix = Matrix();
        var routes = await RoutesAsync(clients["admin"]);
        var pages = Pages(app);

        var answers = new List<(Row Row, string Asker, string Got)>();
        foreach (var row in matrix)
            foreach (var asker in Askers)
                answers.Add((row, asker, await AskAsync(clients[asker], row.Method, row.Path)));

        var listed = matrix.Select(r => $"{r.Method} {r.Path}").ToHashSet();
        Assert.Multiple(() =>
        {
            Assert.That(routes.Concat(pages).Where(r => !listed.Contains(r)), Is.Empty, "routes and pages the matrix does not list");
            foreach (var (row, asker, got) in answers)
                Assert.That(got, Is.EqualTo(row.Expected[asker]), $"route-matrix.txt line {row.Line}: {row.Method} {row.Path} as {asker}");
        });
        foreach (var client in clients.Values) client.Dispose();
    }

    /// <summary>How an answer reads in the matrix: <c>ok</c> (past authorization, whatever the handler then said), <c>401</c>,
    /// <c>403</c>, or <c>sign-in</c> / <c>denied</c> for a page that redirects there.</summary>
    static async Task<string> AskAsync(HttpClient client, string method, string template)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), Fill(template));
        if (method is "POST" or "PUT") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        // Headers only: a stream (the operator's events) answers its headers at once and is then closed.
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => "401",
            HttpStatusCode.Forbidden => "403",
            HttpStatusCode.Redirect when response.Headers.Location?.AbsolutePath() == "/accedi" => "sign-in",
            HttpStatusCode.Redirect when response.Headers.Location?.AbsolutePath() == "/accesso-negato" => "denied",
            _ => "ok",
        };
    }

    /// <summary>Route parameters get values that name nothing, so that an allowed request changes nothing.</summary>
    static string Fill(string template) => System.Text.RegularExpressions.Regex.Replace(template, @"\{(\w+)\}", m => m.Groups[1].Value switch
    {
        "attemptId" or "id" => "424242",
        "date" => "2026-12-02",
        _ => "nessuno",
    });

    static async Task<IReadOnlyList<string>> RoutesAsync(HttpClient admin)
    {
        var document = JsonDocument.Parse(await admin.GetStringAsync("/openapi/v1.json")).RootElement;
        return document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => $"{op.Name.ToUpperInvariant()} {path.Name}"))
            .ToList();
    }

    static IReadOnlyList<string> Pages(DialerApp app) =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null || e.Metadata.GetMetadata<CompiledPageActionDescriptor>() is not null)
            .Select(e => (e.RoutePattern.RawText ?? "").TrimStart('/'))
            // A folder's Index page is also routed by its own name; the folder's address is the one people use.
            .Where(route => route != "Index" && !route.EndsWith("/Index", StringComparison.Ordinal))
            .Select(route => "GET /" + route)
            .Distinct()
            .ToList();

    static IReadOnlyList<Row> Matrix()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Security", "route-matrix.txt");
        var rows = new List<Row>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || fields[0].StartsWith('#')) continue;
            if (fields.Length != 2 + Askers.Length) throw new FormatException($"route-matrix.txt line {number}: method, path and {Askers.Length} answers expected.");
            rows.Add(new Row(fields[0], fields[1], Askers.Select((a, i) => (a, fields[2 + i])).ToDictionary(x => x.a, x => x.Item2), number));
        }
        return rows;
    }

    static HttpClient NoRedirects(DialerApp app, string? token)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

static class LocationExtensions
{
    public static string AbsolutePath(this Uri location) => location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?')[0];
}
