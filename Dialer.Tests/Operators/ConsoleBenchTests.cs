namespace Dialer.Tests.Operators;

public sealed class ConsoleBenchTests
{
    [Test]
    public async Task Bench_delivers_every_screen_pop_and_prints_the_baseline_the_percentiles_and_the_goal()
    {
        var (exit, output, errors) = await DialerProcess.RunAsync("bench", "console", "--operators", "5", "--calls", "20");

        var lines = output.Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, errors);
            Assert.That(lines, Has.One.Match(@"^loopback GET /health/live \(baseline\)\s+20\s+\d+\.\d\d\s+\d+\.\d\d\s+1\.0x$"));
            Assert.That(lines, Has.One.Match(@"^answered webhook's own response \(durable\)\s+20\s+\d+\.\d\d\s+\d+\.\d\d\s+\d+\.\dx$"));
            Assert.That(lines, Has.One.Match(@"^answered webhook → screen pop on the stream\s+20\s+\d+\.\d\d\s+\d+\.\d\d\s+\d+\.\dx$"));
            Assert.That(lines, Has.One.Match(@"^Goal: p99 ≤ 50 ms with 5 operators connected: (met|NOT met) \(p99 at \d+\.\d\d of the goal; 0 screen pop\(s\) missing after 10 s\)\.$"));
        });
    }
}
