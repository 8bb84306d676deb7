using System.Globalization;
using System.Text;
using System.Text.Json;
using Dialer.Core.Outcomes;

namespace Dialer.Worker.Demo;

/// <summary>One step of the funnel: what Dialer measured from its own tables, and what the simulation did.</summary>
public sealed record DemoStep(string Code, string Label, long Measured, long Truth)
{
    public bool Equal => Measured == Truth;
}

/// <summary>A Cob23 figure: the rate measured, the published figure, and whether it is within ±2 percentage points.</summary>
public sealed record DemoTarget(string Name, double? Measured, double Published)
{
    public bool Met => Measured is { } m && Math.Abs(m - Published) <= 0.02 + 1e-9;
}

/// <summary>
/// The demo's outcome (docs/demo.md "The honesty check"): the funnel Dialer measured from its tables (the rollups the
/// pages read) beside the simulation's truth, step by step, for the called group and the held-out control group; the
/// Cob23 rates; the uplift; and the calls made after a person's final answer (never expected).
/// </summary>
public sealed record DemoResult(string Campaign, IReadOnlyList<DemoStep> Steps, IReadOnlyList<DemoStep> Control, IReadOnlyList<DemoTarget> Targets,
    Uplift Uplift, int CallsAfterFinalAnswer, int ControlDialed, double ElapsedSeconds, DateOnly DemoToday)
{
    public bool Honest => Steps.All(s => s.Equal) && Control.All(s => s.Equal) && CallsAfterFinalAnswer == 0 && ControlDialed == 0;
    public bool TargetsMet => Targets.All(t => t.Met) && Uplift.Verdict == UpliftVerdict.Better;

    public static DemoResult Compare(FunnelReport measured, SimulatedPeople world, decimal controlShare, TimeSpan elapsed, DateTimeOffset now)
    {
        var called = world.People.Where(p => !p.HeldOut).ToList();
        var held = world.People.Where(p => p.HeldOut).ToList();
        var truth = Truth(called);
        var control = Truth(held);
        var steps = StepsOf(measured.Total.Counts, truth);
        var targets = new List<DemoTarget>
        {
            new("answered / dialed", FunnelSteps.Rate(measured.Total.Counts.Answered, measured.Total.Counts.Dialed), 0.90),
            new("intake / answered", FunnelSteps.Rate(measured.Total.Counts.Intake, measured.Total.Counts.Answered), 0.39),
            new("placed / answered", measured.Total.PlacedOfAnswered, 0.12),
        };
        var uplift = OutcomeReports.Compare(controlShare, measured.Total.Counts.Hired, measured.Total.Counts.Selected, measured.Control.Hired, measured.Control.Selected);
        return new DemoResult(measured.CampaignName, steps,
            [
                new("selected", Core.Text.T("Gruppo di controllo (escluse dalle chiamate)", "Control group (held out)"), measured.Control.Selected, control.Selected),
                new("dialed", Core.Text.T("Gruppo di controllo chiamate (mai)", "Control group dialed (never)"), measured.Control.Dialed, control.Dialed),
                new("hired", Core.Text.T("Gruppo di controllo assunte nella finestra", "Control group hired in the window"), measured.Control.Hired, control.Hired),
            ],
            targets, uplift, world.People.Sum(p => p.CallsAfterFinal), held.Count(p => p.Calls > 0), elapsed.TotalSeconds,
            Core.Dialing.Policy.CallingCalendar.LocalDate(now));
    }

    static FunnelCounts Truth(IReadOnlyList<SimulatedPerson> people)
    {
        long Count(Func<SimulatedPerson, bool> f) => people.LongCount(f);
        var placed = (Func<SimulatedPerson, bool>)(p => p.Hiring is not null && p.Answered);
        return new FunnelCounts(
            Selected: people.Count,
            Queued: Count(p => !p.HeldOut),
            Dialed: Count(p => p.Calls > 0),
            Answered: Count(p => p.Answered),
            RightPerson: Count(p => p.RightPerson),
            Intake: Count(p => p.IntakeAt is not null),
            Attended: Count(p => p.Attended),
            Placed: Count(placed),
            PlacedAfterIntake: Count(p => p.Hiring is not null && p.IntakeAt is not null),
            Retained6m: Count(p => placed(p) && p.Hiring!.Retained6Months),
            Stable: 0,
            Hired: Count(p => p.Hiring is not null));
    }

    static List<DemoStep> StepsOf(FunnelCounts measured, FunnelCounts truth)
    {
        var steps = FunnelSteps.InOrder.Select(s => new DemoStep(s.Code, s.Label(), s.Count(measured), s.Count(truth))).ToList();
        steps.Add(new DemoStep("placed_after_intake", Core.Text.T("Assunte dopo la presa in carico", "Hired after the intake"), measured.PlacedAfterIntake, truth.PlacedAfterIntake));
        steps.Add(new DemoStep("hired", Core.Text.T("Assunte nella finestra dopo la selezione", "Hired in the window after selection"), measured.Hired, truth.Hired));
        return steps;
    }

    /// <summary>The table printed at the end of the demo.</summary>
    public string Table()
    {
        var it = CultureInfo.GetCultureInfo("it-IT");
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Campaign}: the funnel Dialer measured from its own tables, beside the simulation's truth");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"step",-46} {"measured",10} {"truth",10}  check");
        foreach (var s in Steps.Concat(Control))
            text.AppendLine(CultureInfo.InvariantCulture, $"{s.Label,-46} {s.Measured.ToString("N0", it),10} {s.Truth.ToString("N0", it),10}  {(s.Equal ? "=" : "DIFFERENT")}");
        text.AppendLine();
        foreach (var t in Targets)
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{t.Name,-20} {(t.Measured is { } m ? m.ToString("P1", it) : "–"),8}   Cob23 {t.Published.ToString("P0", it),4}   {(t.Met ? "within ±2 points" : "NOT within ±2 points")}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"uplift (called vs held out, hired in the window): {Uplift.Called.Rate?.ToString("P1", it)} vs {Uplift.HeldOut.Rate?.ToString("P1", it)}. {Uplift.Sentence}");
        text.AppendLine();
        text.AppendLine(Honest
            ? "Honesty check: passed. Every step Dialer measured equals what the simulation did; nobody was rung after her final answer; nobody held out was rung."
            : $"Honesty check: FAILED. {string.Join("; ", Failures())}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Took {ElapsedSeconds:0} s of real time; the demo clock now reads {DemoToday:d MMMM yyyy}.");
        return text.ToString();
    }

    public IEnumerable<string> Failures()
    {
        foreach (var s in Steps.Concat(Control).Where(s => !s.Equal)) yield return $"{s.Code}: measured {s.Measured}, truth {s.Truth}";
        if (CallsAfterFinalAnswer > 0) yield return $"{CallsAfterFinalAnswer} call(s) after a person's final answer";
        if (ControlDialed > 0) yield return $"{ControlDialed} held-out person(s) rung";
    }

    static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Json() => JsonSerializer.Serialize(new
    {
        campaign = Campaign,
        honest = Honest,
        targetsMet = TargetsMet,
        steps = Steps.Select(s => new { code = s.Code, measured = s.Measured, truth = s.Truth }),
        control = Control.Select(s => new { code = s.Code, measured = s.Measured, truth = s.Truth }),
        rates = Targets.Select(t => new { name = t.Name, measured = t.Measured, cob23 = t.Published, withinTwoPoints = t.Met }),
        uplift = new { called = Uplift.Called.Rate, heldOut = Uplift.HeldOut.Rate, difference = Uplift.Difference, verdict = Uplift.Verdict.ToString() },
        callsAfterFinalAnswer = CallsAfterFinalAnswer,
        failures = Failures(),
        elapsedSeconds = Math.Round(ElapsedSeconds, 1),
        demoToday = DemoToday,
    }, JsonOptions);
}
