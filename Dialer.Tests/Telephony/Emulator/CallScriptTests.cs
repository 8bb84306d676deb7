using Dialer.Worker.Telephony.Emulator;

namespace Dialer.Tests.Telephony.Emulator;

public sealed class CallScriptTests
{
    static readonly CallProfile Mixed = new() { Busy = 0.2, NoAnswer = 0.3, Failed = 0.1, Machine = 0.25, Ring = new(1, 5), Talk = new(10, 20) };

    [Test]
    public void The_same_seed_draws_the_same_scripts()
    {
        var first = new Random(7);
        var second = new Random(7);

        var a = Enumerable.Range(0, 50).Select(_ => CallScript.Draw(Mixed, first)).ToList();
        var b = Enumerable.Range(0, 50).Select(_ => CallScript.Draw(Mixed, second)).ToList();

        Assert.That(a, Is.EqualTo(b));
    }

    [Test]
    public void Outcomes_follow_the_configured_probabilities()
    {
        var random = new Random(1);
        const int n = 20_000;

        var scripts = Enumerable.Range(0, n).Select(_ => CallScript.Draw(Mixed, random)).ToList();
        double Share(CallOutcome o) => scripts.Count(s => s.Outcome == o) / (double)n;
        var answered = scripts.Where(s => s.Outcome == CallOutcome.Answered).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(Share(CallOutcome.Busy), Is.EqualTo(0.2).Within(0.015));
            Assert.That(Share(CallOutcome.NoAnswer), Is.EqualTo(0.3).Within(0.015));
            Assert.That(Share(CallOutcome.Failed), Is.EqualTo(0.1).Within(0.015));
            Assert.That(Share(CallOutcome.Answered), Is.EqualTo(0.4).Within(0.015));
            Assert.That(answered.Count(s => s.Party == AnsweringParty.Machine) / (double)answered.Count, Is.EqualTo(0.25).Within(0.02));
            Assert.That(scripts.All(s => s.Ring >= TimeSpan.FromSeconds(1) && s.Ring <= TimeSpan.FromSeconds(5)), Is.True);
            Assert.That(scripts.All(s => s.Talk >= TimeSpan.FromSeconds(10) && s.Talk <= TimeSpan.FromSeconds(20)), Is.True);
        });
    }

    [TestCase("+39333*", "+393331234567", true)]
    [TestCase("+39333*", "+393471234567", false)]
    [TestCase("client:op_?", "client:op_7", true)]
    [TestCase("client:op_?", "client:op_42", false)]
    [TestCase("+393331234567", "+393331234567", true)]
    public void Patterns_are_globs_over_the_whole_number(string pattern, string number, bool matches) =>
        Assert.That(new CallProfile { Pattern = pattern }.Matches(number), Is.EqualTo(matches));

    [Test]
    public void Impossible_profiles_are_refused_with_the_reason()
    {
        Assert.Multiple(() =>
        {
            Assert.That(new CallProfile { Busy = 0.6, NoAnswer = 0.6 }.Validate(), Does.Contain("must not exceed 1"));
            Assert.That(new CallProfile { Machine = 1.5 }.Validate(), Does.Contain("machine must be a probability"));
            Assert.That(new CallProfile { Ring = new(5, 1) }.Validate(), Does.Contain("ring"));
            Assert.That(Mixed.Validate(), Is.Null);
        });
    }

    [Test]
    public void Max_per_second_counts_the_busiest_one_second_window()
    {
        var t0 = DateTimeOffset.UnixEpoch;
        DateTimeOffset[] departures = [t0, t0.AddMilliseconds(500), t0.AddMilliseconds(999), t0.AddMilliseconds(1000), t0.AddMilliseconds(1600)];

        Assert.That(CpsQueue.MaxPerSecond(departures), Is.EqualTo(3));
    }
}
