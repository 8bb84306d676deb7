using System.Net.Http.Json;
using System.Net;
using System.Text;
using Dialer.Core.Notices;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Notices;

public sealed class NoticesApiTests : DatabaseTest
{
    [Test]
    public async Task Upload_returns_the_import_summary_and_quarantine_lists_the_rejected_record()
    {
        using var app = new DialerApp();
        using var form = new MultipartFormDataContent();
        var csv = CsvNotice.File(new CsvNotice(), new CsvNotice() with { Code = "0300024000000002", Contract = "X.00.00" });
        form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "files", "upload.csv");

        var response = await app.Admin.PostAsync("/api/notices", form);
        var summary = await response.Content.ReadFromJsonAsync<ImportSummary>();
        var quarantine = await app.Admin.GetFromJsonAsync<List<QuarantinedRecord>>("/api/notices/quarantine");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((summary!.Files, summary.Imported, summary.Quarantined), Is.EqualTo((1, 1L, 1L)));
            Assert.That(summary.QuarantinedByReason, Is.EqualTo(new Dictionary<string, long> { ["UnknownContractType"] = 1 }));
            Assert.That(quarantine!.Select(q => (q.FileName, q.Position, q.Reason)), Is.EqualTo(new[] { ("upload.csv", 3L, "UnknownContractType") }));
        });
    }

    [Test]
    public async Task Upload_without_files_is_a_bad_request()
    {
        using var app = new DialerApp();
        using var form = new MultipartFormDataContent { { new StringContent("x"), "note" } };

        var response = await app.Admin.PostAsync("/api/notices", form);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }
}

public sealed class NoticesApiOutsideDevelopmentTests
{
    /// <summary>The real API in Production: the notice endpoints are closed until sign-in with roles exists.</summary>
    sealed class ProductionApp : WebApplicationFactory<Dialer.Api.ApiAssembly>
    {
        public ProductionApp()
        {
            UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            StartServer();
            Address = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        }

        public Uri Address { get; }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("ConnectionStrings:Dialer", TestDatabase.ConnectionString);
            // Production refuses the emulator at start-up: a Twilio account that is never called.
            foreach (var (key, value) in ProductionTelephony.Settings) builder.UseSetting(key, value);
            builder.UseSetting("Logging:Level", "Warning");
        }
    }

    [Test]
    public async Task Notice_endpoints_need_a_signed_in_role_in_production()
    {
        await using var app = new ProductionApp();
        using var client = new HttpClient { BaseAddress = app.Address };
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(CsvNotice.File(new CsvNotice()))), "files", "a.csv" } };

        var upload = await client.PostAsync("/api/notices", form);
        var quarantine = await client.GetAsync("/api/notices/quarantine");

        Assert.Multiple(() =>
        {
            Assert.That(upload.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(quarantine.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        });
    }
}
