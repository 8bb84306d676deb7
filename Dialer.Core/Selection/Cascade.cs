namespace Dialer.Core.Selection;

/// <summary>One step of the cascade: the people left out by this rule, and how many remain after it.</summary>
public sealed record CascadeStep(string Rule, string Label, long Excluded, long Remaining);

/// <summary>
/// The selection report: everyone considered, then, rule by rule in order, how many each rule left
/// out, down to the eligible; <see cref="Added"/> is how many entered the contact list (a run, not a preview).
/// </summary>
public sealed record Cascade(long Considered, IReadOnlyList<CascadeStep> Steps, long Eligible, long? Added)
{
    /// <summary>Of those added, how many the campaign's control group holds out (never queued; docs/outcomes.md).</summary>
    public long? HeldOut { get; init; }

    public static Cascade From(IEnumerable<(string Outcome, long People)> counts, long? added)
    {
        var byOutcome = counts.ToDictionary(c => c.Outcome, c => c.People, StringComparer.Ordinal);
        var unknown = byOutcome.Keys.Where(k => k != SelectionRules.SelectedCode && !SelectionRules.InOrder.Any(r => r.Code() == k)).ToList();
        if (unknown.Count > 0) throw new InvalidOperationException($"The eligibility SQL produced unknown outcomes: {string.Join(", ", unknown)}");
        var considered = byOutcome.Values.Sum();
        var remaining = considered;
        var steps = new List<CascadeStep>();
        foreach (var rule in SelectionRules.InOrder)
        {
            var excluded = byOutcome.GetValueOrDefault(rule.Code());
            remaining -= excluded;
            steps.Add(new CascadeStep(rule.Code(), rule.Label(), excluded, remaining));
        }
        return new Cascade(considered, steps, byOutcome.GetValueOrDefault(SelectionRules.SelectedCode), added);
    }
}
