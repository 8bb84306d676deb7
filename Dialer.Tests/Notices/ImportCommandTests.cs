using System.CommandLine;
using System.Text.Json;

namespace Dialer.Tests.Notices;

public sealed class ImportCommandTests : DatabaseTest
{
    [Test]
    public async Task Import_command_prints_the_summary_as_json_and_a_second_run_finds_only_duplicates()
    {
        var file = Path.Combine(Path.GetTempPath(), $"dialer-import-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, CsvNotice.File(new CsvNotice(), new CsvNotice() with { Code = "0300024000000002", Cf = "BAD" }));
        try
        {
            var first = await RunAsync("import", file, "--json");
            var second = await RunAsync("import", file, "--json");

            using var a = JsonDocument.Parse(first);
            using var b = JsonDocument.Parse(second);
            Assert.Multiple(() =>
            {
                Assert.That(a.RootElement.GetProperty("imported").GetInt64(), Is.EqualTo(1));
                Assert.That(a.RootElement.GetProperty("quarantinedByReason").GetProperty("InvalidWorkerCf").GetInt64(), Is.EqualTo(1));
                Assert.That(b.RootElement.GetProperty("imported").GetInt64(), Is.Zero);
                Assert.That(b.RootElement.GetProperty("duplicates").GetInt64(), Is.EqualTo(1));
            });
        }
        finally
        {
            File.Delete(file);
        }
    }

    [TestCase(new string[0], "import", "generate")]
    [TestCase(new[] { "bench" }, "ingest", "ingest")]
    [TestCase(new[] { "import" }, "--json", "paths")]
    [TestCase(new[] { "generate" }, "--people", "--as-of")]
    public void Help_describes_the_notice_commands(string[] command, string first, string last)
    {
        var output = new StringWriter();

        Dialer.Worker.CommandLine.DialerCommandLine.Build().Parse([.. command, "--help"]).Invoke(new InvocationConfiguration { Output = output });

        Assert.That(output.ToString(), Does.Contain(first).And.Contain(last));
    }

    [Test]
    public async Task Import_of_a_missing_path_says_so_with_exit_code_2()
    {
        var (exit, _, stderr) = await RunProcessAsync("import", "/nonexistent/notices.csv");

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(stderr, Does.Contain("/nonexistent/notices.csv"));
        });
    }

    static async Task<string> RunAsync(params string[] args)
    {
        var (exit, stdout, stderr) = await RunProcessAsync(args);
        Assert.That(exit, Is.Zero, stderr);
        // Log lines go to the console too; the JSON object is the last thing printed.
        return stdout[stdout.IndexOf("\n{", StringComparison.Ordinal)..];
    }

    static async Task<(int Exit, string Stdout, string Stderr)> RunProcessAsync(params string[] args)
    {
        var (exit, stdout, stderr) = await DialerProcess.RunAsync(args);
        return (exit, "\n" + stdout, stderr);
    }
}
