using System.Diagnostics;

namespace Dialer.Worker.Demo;

/// <summary>
/// The demo's progress, stage by stage, on standard error when it is a terminal; quiet when redirected (a CI log, a
/// pipe), so that standard output holds only the funnel (or its JSON). Warnings are always written.
/// </summary>
public sealed class DemoProgress(TimeProvider clock, bool quiet)
{
    readonly Stopwatch elapsed = Stopwatch.StartNew();
    readonly bool show = !quiet && !Console.IsErrorRedirected;
    int stage;

    public void Stage(string name, string detail) =>
        Write($"[{++stage}] {name} — {detail}  ({Now()})");

    public void Done(string text) => Write($"    {text}");

    public void Tick(string text) => Write($"    · {text}");

    public void Warn(string text) => Console.Error.WriteLine($"warning: {text}");

    string Now() => $"{elapsed.Elapsed.TotalSeconds:0} s; demo clock {Core.Dialing.Policy.CallingCalendar.ToLocal(clock.GetUtcNow()):ddd d MMM yyyy HH:mm}";

    void Write(string line)
    {
        if (show) Console.Error.WriteLine(line);
    }
}
