using System.CommandLine;
using Dialer.Worker.Notices;

namespace Dialer.Worker.CommandLine;

/// <summary>Every `dialer` command, each described for `dialer --help`.</summary>
public static class DialerCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "Dialer: outbound re-activation calls for the Centri per l'Impiego. With no command, runs the worker (as 'dialer run').\n" +
            "Configuration comes from appsettings.json beside the executable, environment variables (e.g. ConnectionStrings__Dialer) " +
            "and, in Development, user secrets. Without ConnectionStrings:Dialer an embedded PostgreSQL is used.");

        var run = HostCommands.Run();
        root.Subcommands.Add(run);
        root.Options.Add(HostCommands.MigrateFirst);
        root.Action = run.Action;

        root.Subcommands.Add(Demo.DemoCommand.Create());
        root.Subcommands.Add(DatabaseCommands.Migrate());
        root.Subcommands.Add(DatabaseCommands.Db());
        root.Subcommands.Add(Selection.SelectionCommands.Campaign());
        root.Subcommands.Add(Selection.SelectionCommands.Select());
        root.Subcommands.Add(Selection.SelectionCommands.Territory());
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(Telephony.TwilioEmulatorCommand.Build());
        root.Subcommands.Add(Dialing.CalendarCommands.Calendar());
        root.Subcommands.Add(Operators.OperatorCommands.Operator());
        root.Subcommands.Add(Accounts.UserCommands.Users());
        root.Subcommands.Add(Outcomes.ReportCommands.Report());
        root.Subcommands.Add(Outcomes.AppointmentCommands.Appointments());

        // Each capability adds its benchmark here: figures printed with ratios against a baseline measured in the same run.
        var bench = new Command("bench", "Benchmarks: each prints its figures and their ratios to a baseline measured in the same run.");
        bench.Subcommands.Add(Telephony.WebhookBench.Command());
        bench.Subcommands.Add(IngestBenchmark.Create());
        bench.Subcommands.Add(ImportFuzz.Create());
        bench.Subcommands.Add(Selection.SelectBenchmark.Create());
        bench.Subcommands.Add(Dialing.QueueBenchmark.Create());
        bench.Subcommands.Add(Operators.ConsoleBench.Command());
        bench.Subcommands.Add(Outcomes.ReportBench.Command());
        root.Subcommands.Add(bench);
        return root;
    }
}
