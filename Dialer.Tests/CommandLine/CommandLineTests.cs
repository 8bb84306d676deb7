using System.CommandLine;
using System.Diagnostics;
using Dialer.Worker.CommandLine;

namespace Dialer.Tests.CommandLine;

public sealed class CommandLineTests
{
    [Test]
    public void Help_describes_every_command()
    {
        var output = new StringWriter();

        var exit = DialerCommandLine.Build().Parse(["--help"]).Invoke(new InvocationConfiguration { Output = output });

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero);
            foreach (var command in new[] { "run", "demo", "migrate", "db" })
                Assert.That(output.ToString(), Does.Match($@"\n\s+{command}\s+\S"), $"'{command}' is listed with a description");
        });
    }

    [Test]
    public void The_readme_names_every_command_of_the_help()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md"));
        // "dialer import", "campaign why", or the table's short form "`dialer bench ingest` / `select`" on one line.
        bool Named(string parent, string? sub) => lines.Any(l => sub is null
            ? l.Contains("dialer " + parent, StringComparison.Ordinal)
            : l.Contains($"{parent} {sub}", StringComparison.Ordinal)
              || (l.Contains("dialer " + parent, StringComparison.Ordinal) && l.Contains($"`{sub}`", StringComparison.Ordinal)));
        var missing = DialerCommandLine.Build().Subcommands
            .SelectMany(c => c.Subcommands.Count == 0 ? [(Parent: c.Name, Sub: (string?)null)] : c.Subcommands.Select(s => (Parent: c.Name, Sub: (string?)s.Name)))
            .Where(c => !Named(c.Parent, c.Sub))
            .Select(c => $"{c.Parent} {c.Sub}".Trim())
            .ToList();

        Assert.That(missing, Is.Empty, "commands of `dialer --help` the README's command table does not name");
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Dialer.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Dialer.sln not found above the test directory.");
    }

    [TestCase("db", "status", "start", "stop")]
    [TestCase("demo", "--urls")]
    public void Subcommand_help_lists_its_parts(string command, params string[] parts)
    {
        var output = new StringWriter();

        DialerCommandLine.Build().Parse([command, "--help"]).Invoke(new InvocationConfiguration { Output = output });

        Assert.That(output.ToString(), Does.Contain(parts[0]).And.Contain(parts[^1]));
    }

    [TestCase(new string[0], true)]
    [TestCase(new[] { "run" }, true)]
    [TestCase(new[] { "import" }, true)]
    [TestCase(new[] { "calendar", "holidays" }, true)]
    [TestCase(new[] { "calendar", "patron-days", "apply" }, true)]
    [TestCase(new[] { "demo" }, false)]
    [TestCase(new[] { "migrate" }, false)]
    [TestCase(new[] { "campaign", "apply" }, false)]
    [TestCase(new[] { "select" }, false)]
    [TestCase(new[] { "bench", "queue" }, false)]
    [TestCase(new[] { "generate" }, false)]
    public void Migrate_is_offered_only_where_it_applies(string[] command, bool offered)
    {
        var output = new StringWriter();

        DialerCommandLine.Build().Parse([.. command, "--help"]).Invoke(new InvocationConfiguration { Output = output });

        Assert.That(output.ToString().Contains("--migrate", StringComparison.Ordinal), Is.EqualTo(offered));
    }

    [Test]
    public async Task The_built_executable_prints_help()
    {
        var dll = Path.Combine(TestContext.CurrentContext.TestDirectory, "dialer.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--help");

        using var process = Process.Start(psi)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Multiple(() =>
        {
            Assert.That(process.ExitCode, Is.Zero);
            Assert.That(stdout, Does.Contain("Usage:").And.Contain("dialer [command] [options]").And.Contain("migrate"));
        });
    }

    [Test]
    public async Task Db_status_reports_a_current_database_with_exit_code_zero()
    {
        var dll = Path.Combine(TestContext.CurrentContext.TestDirectory, "dialer.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { dll, "db", "status" }) psi.ArgumentList.Add(a);
        psi.Environment["ConnectionStrings__Dialer"] = TestDatabase.ConnectionString;

        using var process = Process.Start(psi)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Multiple(() =>
        {
            Assert.That(process.ExitCode, Is.Zero, stdout);
            Assert.That(stdout, Does.Contain("Reachable:  yes").And.Contain("0 pending"));
            Assert.That(stdout, Does.Not.Contain("Password"), "no secret in the output");
        });
    }
}
