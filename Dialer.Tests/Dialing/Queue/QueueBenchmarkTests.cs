namespace Dialer.Tests.Dialing.Queue;

public sealed class QueueBenchmarkTests
{
    [Test]
    public async Task Bench_runs_every_phase_prints_ratios_and_finds_no_double_claim()
    {
        var (exitCode, output, errors) = await DialerProcess.RunAsync(
            "bench", "queue", "--contacts", "10000", "--claimers", "3", "--seconds", "1", "--shift-seconds", "3");
        var lines = output.Split('\n');

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, errors);
            Assert.That(lines.Single(l => l.StartsWith("Enqueued", StringComparison.Ordinal)), Does.StartWith("Enqueued 20,000 contacts"));
            Assert.That(lines.Single(l => l.StartsWith("claim+complete/s, 1 per claim, bare", StringComparison.Ordinal)), Does.Contain("1.00×"));
            Assert.That(lines.Single(l => l.StartsWith("claim+complete/s, 10 per claim, CallQueue", StringComparison.Ordinal)), Does.Match(@"\d\.\d\d×"));
            Assert.That(lines.Single(l => l.StartsWith("double claims", StringComparison.Ordinal)), Does.Match(@"\s0\s+0\s*$"));
            Assert.That(lines.Single(l => l.StartsWith("call_queue ", StringComparison.Ordinal)), Does.Match(@"^call_queue\s+[1-9]"), "the shift updated the queue");
            Assert.That(lines, Has.Some.StartsWith("goal zero double claims: met"));
        });
    }
}
