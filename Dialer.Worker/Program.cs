using System.CommandLine;
using Dialer.Api;
using Dialer.Worker.CommandLine;

try
{
    // `dialer` is the worker's executable and the command line; with no command it runs the worker.
    // Ctrl+C and SIGTERM cancel the command's token; 30 s lets a host stop and the embedded PostgreSQL shut down.
    return await DialerCommandLine.Build().Parse(args).InvokeAsync(new InvocationConfiguration
    {
        ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
        EnableDefaultExceptionHandler = false,
    });
}
catch (Exception ex) when (StartupRefusals.Describe(ex) is { } lines)
{
    // Expected conditions an operator can fix (database, settings, ports): say what, without a stack trace.
    foreach (var line in lines) await Console.Error.WriteLineAsync($"error: {line}");
    return StartupRefusals.ExitCode;
}
catch (Exception ex) when (ex is not OperationCanceledException)
{
    // Anything else is a bug: report it in full, and exit with a failure code rather than aborting the runtime.
    await Console.Error.WriteLineAsync($"error: unexpected {ex}");
    return 1;
}
