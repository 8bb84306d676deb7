using System.Diagnostics;
using System.Text;

namespace Dialer.Tests.Notices;

/// <summary>
/// `dialer import` as a child process over the worst inputs, with its peak resident memory (VmHWM) measured:
/// it stays under the bound docs/notices-limits.md states, and the good file beside them is imported.
/// </summary>
public sealed class ImportPeakMemoryTests : DatabaseTest
{
    /// <summary>The bound of docs/notices-limits.md ("Peak memory").</summary>
    const long PeakBound = 400L << 20;

    [Test]
    public async Task Import_of_the_worst_inputs_stays_under_the_documented_peak_memory_and_imports_the_good_file()
    {
        if (!File.Exists("/proc/self/status")) Assert.Ignore("VmHWM is read from /proc (Linux)");
        var folder = Directory.CreateTempSubdirectory("dialer-worst-").FullName;
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, "bomb.zip"), BadFiles.Bomb(1L << 30));
            await File.WriteAllBytesAsync(Path.Combine(folder, "deep.xml"), BadFiles.Deep(200_000));
            await File.WriteAllTextAsync(Path.Combine(folder, "long-line.csv"), CsvNotice.Header + "\n" + new string('A', 16 << 20) + "\n");
            await File.WriteAllBytesAsync(Path.Combine(folder, "garbage.zip"), BadFiles.Garbage(64 << 20));
            await File.WriteAllBytesAsync(Path.Combine(folder, "garbage.xml"), BadFiles.Garbage(16 << 20));
            await File.WriteAllTextAsync(Path.Combine(folder, "good.csv"), CsvNotice.File(BadFiles.Good, BadFiles.Good with { Code = "0300024000000002" }));

            var (exit, peak, stderr) = await RunMeasuredAsync("import", folder, "--json");

            await using var conn = await Db.OpenConnectionAsync();
            TestContext.Out.WriteLine($"peak resident memory of dialer import: {peak >> 20} MiB");
            Assert.Multiple(async () =>
            {
                Assert.That(exit, Is.Zero, stderr);
                Assert.That(peak, Is.GreaterThan(0).And.LessThan(PeakBound), $"VmHWM {peak >> 20} MiB");
                Assert.That(await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM notices"), Is.EqualTo(2));
                Assert.That(await conn.QueryAsync<string>("SELECT DISTINCT file_name FROM notice_quarantine ORDER BY 1"),
                    Is.SupersetOf(new[] { "bomb.zip/bomb.csv", "deep.xml", "garbage.xml", "garbage.zip" }));
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Runs `dialer` as <see cref="DialerProcess"/> does, reading the child's VmHWM (its peak resident set, which only
    /// grows) from /proc until it exits: the last value read is its peak up to its last moments.
    /// </summary>
    static async Task<(int Exit, long PeakBytes, string Err)> RunMeasuredAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(TestContext.CurrentContext.TestDirectory, "dialer.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["ConnectionStrings__Dialer"] = TestDatabase.ConnectionString;
        psi.Environment["Logging__Level"] = "Warning";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        long peak = 0;
        var status = $"/proc/{process.Id}/status";
        while (!process.HasExited)
        {
            try
            {
                var line = File.ReadLines(status, Encoding.ASCII).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                // "VmHWM:     123456 kB"; gone once the process is a zombie
                if (line is not null) peak = Math.Max(peak, long.Parse(line[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024);
            }
            catch (IOException)
            {
                // exited between the check and the read
            }
            await Task.Delay(10);
        }
        await process.WaitForExitAsync();
        await stdout;
        return (process.ExitCode, peak, await stderr);
    }
}
