using Dialer.Worker.Demo;
using Dialer.Worker.Telephony.Emulator;

namespace Dialer.Tests.Demo;

/// <summary>The demo's behaviour model file, its checks, the exact shares it allots, and the demo clock (docs/demo.md).</summary>
public sealed class BehaviourModelTests
{
    static string Shipped => Path.Combine(TestContext.CurrentContext.TestDirectory, "demo", BehaviourModel.FileName);

    [Test]
    public void The_shipped_model_is_valid_every_figure_has_a_source_and_it_implies_Cob23s_twelve_percent()
    {
        var model = BehaviourModel.Load(Shipped);

        Assert.Multiple(() =>
        {
            Assert.That(model.Validate(), Is.Empty);
            Assert.That(model.Answer.Reached.Value, Is.EqualTo(0.90));
            Assert.That(model.Outcome.Intake.Value, Is.EqualTo(0.39));
            Assert.That(model.ImpliedPlacedOfAnswered, Is.EqualTo(0.12).Within(0.001));
            Assert.That(File.ReadAllText(Shipped), Does.Contain("Cob23 (Il Giorno, Dec 2023)").And.Contain("assumption"));
        });
    }

    [Test]
    public void A_model_whose_shares_do_not_add_up_is_refused_naming_the_figure()
    {
        var path = Path.Combine(Path.GetTempPath(), $"model-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, File.ReadAllText(Shipped).Replace("\"noAnswer\": 0.62", "\"noAnswer\": 0.92", StringComparison.Ordinal));
        try
        {
            Assert.That(() => BehaviourModel.Load(path),
                Throws.ArgumentException.With.Message.Contains("answer.notAnswered: the shares must be ≥ 0 and add up to 1."));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestCase(1000, 0.39, 390)]
    [TestCase(445, 0.90, 401)]
    [TestCase(7, 0.5, 4)]
    [TestCase(0, 0.9, 0)]
    public void A_share_drawn_exactly_is_that_share_of_the_group_rounded(int size, double share, int expected)
    {
        var group = Enumerable.Range(0, size).Select(i => new SimulatedPerson(
            new DemoPerson($"CF{i:D14}", "ROSSI", "ANNA", 'F', new DateOnly(1985, 1, 1), "F205", "F205", null, new DateOnly(2022, 3, 1), "LI",
                true, true, null, "01234567890", "82.99.99"), heldOut: false)).ToList();
        var marked = 0;

        var chosen = SimulatedPeople.Allot(group, share, seed: 23, "test", _ => marked++);

        Assert.That((chosen.Count, marked), Is.EqualTo((expected, expected)));
        Assert.That(SimulatedPeople.Allot(group, share, seed: 23, "test", _ => { }).Select(p => p.Person.Cf), Is.EqualTo(chosen.Select(p => p.Person.Cf)),
            "the same seed chooses the same people");
    }

    [Test]
    public void The_demo_clock_jumps_only_forward_and_keeps_its_time_across_a_change_of_speed()
    {
        var start = new DateTimeOffset(2023, 4, 3, 0, 0, 0, TimeSpan.Zero);
        var clock = new AcceleratedClock(1000, start);
        var night = start.AddHours(7);

        Assert.That(clock.JumpTo(night), Is.GreaterThan(TimeSpan.Zero));
        var after = clock.GetUtcNow();
        Assert.That(after, Is.GreaterThanOrEqualTo(night));
        Assert.That(clock.JumpTo(start), Is.EqualTo(TimeSpan.Zero), "never backwards");
        Assert.That(clock.GetUtcNow(), Is.GreaterThanOrEqualTo(after));
        clock.SetSpeed(1);
        Assert.That(clock.GetUtcNow(), Is.GreaterThanOrEqualTo(after));
        Assert.That(clock.Speed, Is.EqualTo(1));
    }
}
