using Dialer.Core.Database;

namespace Dialer.Worker.CommandLine;

/// <summary>
/// A one-line progress bar on a terminal; silent when standard output is redirected, so that
/// scripts and CI logs get only the final summary lines.
/// </summary>
sealed class TerminalProgress : IProgress<MigrationProgress>
{
    const int Width = 30;
    readonly bool interactive = !Console.IsOutputRedirected;

    public static void Step(string text)
    {
        Console.Out.WriteLine(text);
    }

    public void Report(MigrationProgress value)
    {
        if (!interactive || value.Total == 0) return;
        var filled = value.Done * Width / value.Total;
        var label = value.Current is null ? "done" : value.Current;
        Console.Out.Write($"\r[{new string('#', filled)}{new string('.', Width - filled)}] {value.Done}/{value.Total} {label,-40}");
        if (value.Current is null) Console.Out.WriteLine();
    }
}
