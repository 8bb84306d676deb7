using System.Diagnostics;
using System.Text.Json;

namespace Dialer.Tests.Selection;

/// <summary>The `dialer` commands of this capability, run as the built executable against the test database.</summary>
public sealed class SelectionCommandTests : DatabaseTest
{
    [Test]
    public async Task Apply_select_and_list_work_from_the_command_line()
    {
        await Population.ImportAsync(Population.Eligible("ALFA"), Population.Eligible("BETA", sex: 'M'));
        var file = Path.Combine(Path.GetTempPath(), $"campaign-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, Population.Campaign().ToJson());
        var csv = Path.ChangeExtension(file, ".csv");
        try
        {
            var apply = await DialerAsync("campaign", "apply", file);
            var preview = await DialerAsync("select", "--campaign", "donne-milano", "--as-of", "2025-06-02", "--dry-run", "--json");
            var run = await DialerAsync("select", "--campaign", "donne-milano", "--as-of", "2025-06-02", "--output", csv);
            var again = await DialerAsync("select", "--campaign", "donne-milano", "--as-of", "2025-06-02");
            var list = await DialerAsync("campaign", "list");
            var invalid = await DialerAsync("select", "--campaign", "nessuna");

            var cascade = JsonDocument.Parse(preview.Out).RootElement;
            var rows = await File.ReadAllLinesAsync(csv);
            Assert.Multiple(() =>
            {
                Assert.That(apply.Exit, Is.Zero, apply.Err);
                Assert.That(apply.Out, Does.Contain("donne-milano created"));
                Assert.That(cascade.GetProperty("eligible").GetInt64(), Is.EqualTo(1));
                Assert.That(cascade.TryGetProperty("added", out _), Is.False, "a dry run adds nobody");
                Assert.That(run.Out, Does.Contain("Idonee").And.Contain("Aggiunte alla lista contatti"));
                Assert.That(rows, Has.Length.EqualTo(3), "header and one row per person considered");
                Assert.That(rows.Skip(1).Select(r => r.Split(';')[1]), Is.EquivalentTo(new[] { "selected", "cohort_sex" }));
                Assert.That(again.Out, Does.Contain("had already run"));
                Assert.That(list.Exit, Is.Zero, list.Err);
                Assert.That(list.Out, Does.Contain("donne-milano").And.Contain("2025-06-02"));
                Assert.That(invalid.Exit, Is.EqualTo(2));
                Assert.That(invalid.Err, Does.Contain("No campaign with slug \"nessuna\""));
            });
        }
        finally
        {
            File.Delete(file);
            File.Delete(csv);
        }
    }

    /// <summary>Runs the built `dialer` against the test database; also used by other capabilities' command tests.</summary>
    internal static async Task<(int Exit, string Out, string Err)> DialerAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(TestContext.CurrentContext.TestDirectory, "dialer.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["ConnectionStrings__Dialer"] = TestDatabase.ConnectionString;
        psi.Environment["Logging__Level"] = "Warning";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
