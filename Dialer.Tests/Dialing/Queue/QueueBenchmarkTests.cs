using System.Text.RegularExpressions;

namespace Dialer.Tests.Dialing.Queue;

public sealed class QueueBenchmarkTests
{
    // Every measure of the summary, with a ratio to its baseline where it has one.
    static readonly (string Measure, bool Ratio)[] Measures =
    [
        ("claim+complete/s, 1 per claim, bare claim (baseline)", true),
        ("claim+complete/s, 1 per claim, CallQueue", true),
        ("claim+complete/s, 10 per claim, bare claim (baseline)", true),
        ("claim+complete/s, 10 per claim, CallQueue", true),
        ("commits per attempt, 1 per claim (pg_stat_database)", true),
        ("commits per attempt, 10 per claim", true),
        ("statements per attempt, 1 per claim", true),
        ("statements per attempt, 10 per claim", true),
        ("enqueue→claim p99 ms", false),
        ("idle statements/s per waiting worker (counted)", false),
        ("idle transactions/s per waiting worker (server)", false),
        ("dead tuples / live tuples of call_queue after the shift, %", false),
        ("stale completions rejected (lease expired, re-claimed)", false),
    ];

    [Test]
    public async Task Bench_runs_every_phase_prints_every_measure_with_ratios_and_finds_no_double_claim()
    {
        var (exitCode, output, errors) = await DialerProcess.RunAsync(
            // Enough contacts that a fast machine does not empty a campaign's queue before the last 1 s phase (10,000 ran
            // dry at 10,447 claims/s in one CI run, and that phase then measured nothing).
            "bench", "queue", "--contacts", "40000", "--claimers", "3", "--seconds", "1", "--shift-seconds", "3");
        var lines = output.Split('\n').Select(l => l.TrimEnd()).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, errors);
            Assert.That(lines.Single(l => l.StartsWith("Enqueued", StringComparison.Ordinal)), Does.StartWith("Enqueued 80,000 contacts"));
            foreach (var (measure, ratio) in Measures)
                Assert.That(lines, Has.One.Match("^" + Regex.Escape(measure) + @"\s+[\d,]+(\.\d+)?" + (ratio ? @"\s+\d+\.\d\d×" : "")), measure);
            Assert.That(lines.Single(l => l.StartsWith("claim+complete/s, 1 per claim, bare", StringComparison.Ordinal)), Does.Contain("1.00×"));
            Assert.That(lines, Has.One.Match(@"^enqueue→claim p50 ms, 20 enqueues/s \([1-9]\d* samples\)\s+\d+\.\d"));
            Assert.That(lines, Has.One.Match(@"^HOT share of call_queue updates, shift \([\d,]+ updates\)\s+\d+\.\d"));
            // The shift runs on its own calendar: it works whatever the day and hour the bench runs (it made 0 attempts
            // on any day after the Monday its clock starts on). Counted by the bench, not read from the server's statistics.
            Assert.That(lines, Has.One.Match(@"^shift attempts \(8 simulated hours\)\s+[1-9][\d,]*$"), "the shift made attempts");
            Assert.That(lines.Single(l => l.StartsWith("double claims", StringComparison.Ordinal)), Does.Match(@"\s0\s+0$"));
            Assert.That(lines, Has.One.Match(@"^call_queue\s+[\d,]+\s+\d+\.\d"), "the table statistics after the shift");
            Assert.That(lines, Has.Exactly(10).Match("^goal .*: (met|NOT met)$"));
            Assert.That(lines, Has.Some.StartsWith("goal zero double claims: met"));
            Assert.That(errors, Does.Not.Contain("error:"));
        });
    }
}
