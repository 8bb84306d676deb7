using System.Diagnostics;

namespace Dialer.Tests;

/// <summary>The built `dialer` executable (or the API's), run as an operator runs it, against the test database.</summary>
public static class DialerProcess
{
    public static Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) =>
        RunAsync(new Dictionary<string, string?>(), args);

    /// <summary>`dialer` with extra environment variables (e.g. DOTNET_ENVIRONMENT=Production).</summary>
    public static Task<(int Exit, string Out, string Err)> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        StartAsync("dialer.dll", environment, args);

    /// <summary>`dialer` with <paramref name="input"/> on its standard input (e.g. a password read from a secret store).</summary>
    public static Task<(int Exit, string Out, string Err)> RunWithInputAsync(string input, params string[] args) =>
        StartAsync("dialer.dll", new Dictionary<string, string?>(), args, input);

    /// <summary>The API's own executable (Dialer.Api.dll), as deployed without the worker.</summary>
    public static Task<(int Exit, string Out, string Err)> RunApiAsync(IReadOnlyDictionary<string, string?> environment) =>
        StartAsync("Dialer.Api.dll", environment, []);

    /// <summary>
    /// `dialer` left running (e.g. `run`, a worker another test kills): the caller kills it and disposes it;
    /// its output is read and dropped, so that a full pipe never blocks it.
    /// </summary>
    public static Process Start(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var process = Process.Start(StartInfo("dialer.dll", environment, args))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    static ProcessStartInfo StartInfo(string dll, IReadOnlyDictionary<string, string?> environment, string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(TestContext.CurrentContext.TestDirectory, dll));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["ConnectionStrings__Dialer"] = TestDatabase.ConnectionString;
        psi.Environment["Logging__Level"] = "Warning";
        foreach (var (key, value) in environment) psi.Environment[key] = value;
        return psi;
    }

    static async Task<(int Exit, string Out, string Err)> StartAsync(string dll, IReadOnlyDictionary<string, string?> environment, string[] args,
        string? input = null)
    {
        var psi = StartInfo(dll, environment, args);
        psi.RedirectStandardInput = input is not null;
        using var process = Process.Start(psi)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A server that should have refused to start would otherwise run for ever: stop it, and let the test say so.
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, await stdout, "still running after 3 minutes; stopped. " + await stderr);
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
