using Dialer.Worker.Telephony.Emulator;

namespace Dialer.Tests.Telephony.Emulator;

public sealed class CpsAndTimelineTests
{
    [Test]
    public async Task A_burst_is_accepted_at_once_and_leaves_the_queue_at_most_cps_per_second()
    {
        // At 4× speed the twelve creates land well within the first simulated second, even on a loaded machine.
        await using var emulator = await TestEmulator.StartAsync(o => o.CallsPerSecond = 2, speed: 4);

        var created = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => emulator.CreateAsync(("Url", "https://x.example/a"))));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (emulator.Engine.Queue.Departures.Count < 12 && DateTime.UtcNow < deadline) await Task.Delay(20);
        var departures = emulator.Engine.Queue.Departures;
        var stats = await TestEmulator.JsonAsync(await emulator.ControlAsync(HttpMethod.Get, "stats"));

        Assert.Multiple(() =>
        {
            Assert.That(created.All(c => (string?)c["status"] == "queued"), Is.True);
            Assert.That(created.Select(c => long.Parse((string)c["queue_time"]!, System.Globalization.CultureInfo.InvariantCulture)).Max(), Is.GreaterThanOrEqualTo(2000), "the last of 12 at 2 CPS waits about 5.5 s");
            Assert.That(departures, Has.Count.EqualTo(12));
            Assert.That(CpsQueue.MaxPerSecond(departures), Is.LessThanOrEqualTo(2));
            Assert.That(departures[^1] - departures[0], Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(5.5)));
            Assert.That((int?)stats["maxDeparturesInOneSecond"], Is.LessThanOrEqualTo(2));
        });
    }

    [Test]
    public async Task Timelines_follow_the_profiles_and_the_same_seed_replays_them()
    {
        static async Task<List<(string Sid, string Planned, string Status)>> RunAsync()
        {
            await using var emulator = await TestEmulator.StartAsync(o =>
            {
                o.Seed = 2024;
                o.DefaultProfile = new CallProfile { Busy = 0.25, NoAnswer = 0.25, Failed = 0.25, Ring = new(1, 3), Talk = new(5, 10) };
                o.Profiles = [new CallProfile { Pattern = "+39347*", Busy = 1 }];
            });
            emulator.Receiver.Respond("/answer", "<Response><Pause length=\"1\"/></Response>");
            var sids = new List<string>();
            for (var i = 0; i < 16; i++)
                sids.Add((string)(await emulator.CreateAsync(("Url", emulator.Receiver.Url("/answer")), ("Timeout", "20"), ("To", i < 12 ? $"+3933312345{i:00}" : $"+3934712345{i:00}")))["sid"]!);
            var result = new List<(string, string, string)>();
            foreach (var sid in sids)
            {
                var view = await emulator.WaitForStatusAsync(sid, "completed", "busy", "no-answer", "failed");
                result.Add((sid, view.PlannedOutcome, view.Status));
            }
            return result;
        }

        var first = await RunAsync();
        var second = await RunAsync();
        var expected = new Dictionary<string, string> { ["Answered"] = "completed", ["Busy"] = "busy", ["NoAnswer"] = "no-answer", ["Failed"] = "failed" };

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.EqualTo(first), "same seed, same creates: same SIDs, plans and ends");
            Assert.That(first.All(c => expected[c.Planned] == c.Status), Is.True, string.Join(", ", first.Select(c => $"{c.Planned}->{c.Status}")));
            Assert.That(first.Take(12).Select(c => c.Planned).Distinct().Count(), Is.GreaterThanOrEqualTo(3), "the default profile mixes outcomes");
            Assert.That(first.Skip(12).All(c => c.Status == "busy"), Is.True, "the +39347* profile is always busy");
        });
    }

    [Test]
    public async Task A_call_walks_through_its_states_in_order()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Receiver.Respond("/answer", "<Response><Say language=\"it-IT\" voice=\"Polly.Bianca\">Attenda prego</Say></Response>");

        var sid = (string)(await emulator.CreateAsync(("Url", emulator.Receiver.Url("/answer"))))["sid"]!;
        var view = await emulator.WaitForStatusAsync(sid, "completed");
        var kinds = view.Timeline.Select(e => e.Kind).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(kinds, Is.SupersetOf(new[] { "queued", "dequeued", "initiated", "ringing", "in-progress", "webhook", "say", "hangup", "completed" }));
            Assert.That(kinds.IndexOf("ringing"), Is.LessThan(kinds.IndexOf("in-progress")));
            Assert.That(kinds.IndexOf("say"), Is.LessThan(kinds.IndexOf("completed")));
            Assert.That(view.Timeline.Single(e => e.Kind == "say").Detail, Is.EqualTo("[it-IT|Polly.Bianca] Attenda prego"));
            Assert.That(view.Timeline.Select(e => e.At), Is.Ordered);
        });
    }
}
