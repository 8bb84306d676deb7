using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Dialer.Core.Notices;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Tests.Notices;

/// <summary>One bad file never costs the rest: each is quarantined as Malformed with what was wrong, and the good one imported.</summary>
public sealed class BadFilesTests : DatabaseTest
{
    [Test]
    public async Task Import_quarantines_each_bad_file_and_imports_the_good_one()
    {
        var inputs = BadFiles.Files().Select(f => new NoticeInput(f.Name, () => new MemoryStream(f.Bytes, writable: false))).ToList();

        var summary = await new NoticeIngest(Db, NullLogger<NoticeIngest>.Instance).RunAsync(inputs);

        Assert.Multiple(async () =>
        {
            Assert.That(await BadFiles.StoredAsync(Db), Is.EqualTo(BadFiles.Quarantine));
            Assert.That((summary.Files, summary.Imported, summary.Duplicates, summary.Quarantined),
                Is.EqualTo((BadFiles.Files().Count, 1L, 1L, (long)BadFiles.Quarantine.Length)));
            Assert.That(summary.Read, Is.EqualTo(summary.Imported + summary.Duplicates + summary.Quarantined));
        });
    }

    [Test]
    public async Task Import_command_over_a_folder_of_bad_files_exits_0_and_imports_the_good_one()
    {
        var folder = Directory.CreateTempSubdirectory("dialer-bad-files-").FullName;
        try
        {
            foreach (var (name, bytes) in BadFiles.Files()) await File.WriteAllBytesAsync(Path.Combine(folder, name), bytes);

            var (exit, stdout, stderr) = await DialerProcess.RunAsync("import", folder, "--json");

            Assert.That(exit, Is.Zero, stderr);
            var output = "\n" + stdout;
            using var json = JsonDocument.Parse(output[output.LastIndexOf("\n{", StringComparison.Ordinal)..]);
            Assert.Multiple(async () =>
            {
                Assert.That(await BadFiles.StoredAsync(Db), Is.EqualTo(BadFiles.Quarantine));
                Assert.That(json.RootElement.GetProperty("imported").GetInt64(), Is.EqualTo(1));
                Assert.That(json.RootElement.GetProperty("quarantined").GetInt64(), Is.EqualTo(BadFiles.Quarantine.Length));
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task Upload_of_bad_files_answers_200_and_imports_the_good_one()
    {
        using var app = new DialerApp();
        using var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in BadFiles.Files()) form.Add(new ByteArrayContent(bytes), "files", name);

        var response = await app.Admin.PostAsync("/api/notices", form);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var summary = await response.Content.ReadFromJsonAsync<ImportSummary>();
        Assert.Multiple(async () =>
        {
            Assert.That(await BadFiles.StoredAsync(Db), Is.EqualTo(BadFiles.Quarantine));
            Assert.That((summary!.Imported, summary.Quarantined), Is.EqualTo((1L, (long)BadFiles.Quarantine.Length)));
        });
    }
}
