using System.Text.Json;

namespace Dialer.Tests.Demo;

/// <summary>
/// `dialer demo --headless` end to end, as CI runs it (docs/demo.md): the Cob23 scenario on an empty database of its own,
/// through the real ingest, selection, HTTP API, emulator and outcomes, with the funnel Dialer measured equal to the
/// simulation's truth at every step.
/// </summary>
public sealed class DemoScenarioTests
{
    [Test]
    public async Task The_headless_demo_measures_what_the_simulation_did_at_every_step_and_lands_on_Cob23s_figures()
    {
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Dialer"] = await TestDatabase.CreateScratchDatabaseAsync("demo"),
            ["TwilioEmulator__Urls"] = "http://127.0.0.1:0",
        };
        try
        {
            var (exit, stdout, stderr) = await DialerProcess.RunAsync(environment,
                "demo", "--headless", "--json", "--people", "5000", "--urls", $"http://127.0.0.1:{FreePort.Next()}");

            Assert.That(exit, Is.EqualTo(0), stderr);
            using var result = JsonDocument.Parse(stdout);
            var root = result.RootElement;
            Assert.Multiple(() =>
            {
                Assert.That(root.GetProperty("honest").GetBoolean(), Is.True, string.Join("; ", root.GetProperty("failures").EnumerateArray()));
                foreach (var step in root.GetProperty("steps").EnumerateArray().Concat(root.GetProperty("control").EnumerateArray()))
                    Assert.That(step.GetProperty("measured").GetInt64(), Is.EqualTo(step.GetProperty("truth").GetInt64()), step.GetProperty("code").GetString());
                foreach (var rate in root.GetProperty("rates").EnumerateArray())
                    Assert.That(rate.GetProperty("withinTwoPoints").GetBoolean(), Is.True, rate.ToString());
                Assert.That(Step(root, "dialed"), Is.GreaterThan(400), "about 495 women aged 30–44 in Milano, a tenth held out");
                Assert.That(Step(root, "placed"), Is.GreaterThan(0));
                Assert.That(Step(root, "retained_6m"), Is.GreaterThan(0), "the months after reach every placement's six months");
            });

            // The scenario's data is now there: a second headless run refuses to overwrite it without --reset.
            var again = await DialerProcess.RunAsync(environment, "demo", "--headless", "--urls", $"http://127.0.0.1:{FreePort.Next()}");
            Assert.That(again.Exit, Is.EqualTo(2), again.Err);
            Assert.That(again.Err, Does.Contain("--reset"));
        }
        finally
        {
            await TestDatabase.DropScratchDatabaseAsync("demo");
        }
    }

    static long Step(JsonElement root, string code) =>
        root.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("code").GetString() == code).GetProperty("measured").GetInt64();
}
