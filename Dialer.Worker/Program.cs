using System.CommandLine;
using Dialer.Core.Database;
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
catch (DatabaseNotReadyException ex)
{
    // Expected conditions an operator can fix: say what, without a stack trace.
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return 3;
}
catch (Exception ex) when (ex is not OperationCanceledException)
{
    // Anything else is a bug: report it in full, and exit with a failure code rather than aborting the runtime.
    await Console.Error.WriteLineAsync($"error: unexpected {ex}");
    return 1;
}
