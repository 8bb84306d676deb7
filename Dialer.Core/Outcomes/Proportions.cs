namespace Dialer.Core.Outcomes;

/// <summary>A share with its 95% confidence interval.</summary>
public sealed record Proportion(long Count, long Of, double? Rate, double Low, double High);

/// <summary>A difference of two shares with its 95% confidence interval.</summary>
public sealed record Difference(double Estimate, double Low, double High);

/// <summary>
/// The interval arithmetic of the outcome reports (docs/outcomes.md "Statistics"): Wilson's score interval for one share
/// (good for small groups and shares near 0 or 1, where the normal approximation is not), and Newcombe's hybrid score
/// interval (his method 10, built from the two Wilson intervals) for a difference of two independent shares.
/// </summary>
public static class Proportions
{
    /// <summary>The 97.5th percentile of the standard normal distribution: two-sided 95%.</summary>
    public const double Z = 1.959963984540054;

    public static Proportion Wilson(long count, long of)
    {
        if (of <= 0) return new Proportion(count, of, null, 0, 1);
        var n = (double)of;
        var p = count / n;
        var z2 = Z * Z;
        var centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        var half = Z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
        return new Proportion(count, of, p, Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>p1 − p0 with Newcombe's interval; null when either group is empty.</summary>
    public static Difference? NewcombeDifference(long count1, long of1, long count0, long of0)
    {
        if (of1 <= 0 || of0 <= 0) return null;
        var a = Wilson(count1, of1);
        var b = Wilson(count0, of0);
        var p1 = a.Rate!.Value;
        var p0 = b.Rate!.Value;
        var d = p1 - p0;
        var low = d - Math.Sqrt(Math.Pow(p1 - a.Low, 2) + Math.Pow(b.High - p0, 2));
        var high = d + Math.Sqrt(Math.Pow(a.High - p1, 2) + Math.Pow(p0 - b.Low, 2));
        return new Difference(d, low, high);
    }
}
