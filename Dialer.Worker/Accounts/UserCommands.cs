using System.CommandLine;
using System.Globalization;
using System.Text;
using Dialer.Core.Accounts;
using Dialer.Core.Audit;
using Dialer.Core.Operators;
using Dialer.Worker.CommandLine;

namespace Dialer.Worker.Accounts;

/// <summary>`dialer users add|list`: local accounts, the first of them an admin made by IT (docs/accounts.md).</summary>
static class UserCommands
{
    public static Command Users()
    {
        var command = new Command("users", "Local accounts that sign in to the pages: operators, supervisors, admins.");

        var username = new Argument<string>("username") { Description = "The sign-in name: 3 to 64 lower-case letters, digits or . _ @ -." };
        var name = new Option<string>("--name") { Description = "The name shown to colleagues.", Required = true };
        var role = new Option<string>("--role") { Description = "operator, supervisor or admin.", Required = true };
        role.AcceptOnlyFromAmong("operator", "supervisor", "admin");
        var add = new Command("add", "Create an account. The password is asked twice on a terminal, or read as one line from " +
            "standard input (e.g. from a secret store); it is never an argument, so it stays out of the shell's history.") { username, name, role };
        add.SetAction(async (parse, ct) =>
        {
            if (await ReadPasswordAsync() is not { } password) return 2;
            // --role accepts only operator, supervisor or admin: the parser refused anything else already.
            var parsed = UserAccounts.ParseRole(parse.GetValue(role))!.Value;
            return await WithServicesAsync(async services =>
            {
                var account = await services.GetRequiredService<UserAccounts>().AddAsync(parse.GetValue(username)!, parse.GetValue(name)!,
                    parsed, password, ct);
                await services.GetRequiredService<AuditLog>().RecordAsync(new AuditEntry(AuditActors.CommandLine(), AuditActions.UserChanged,
                    Subject: $"user:{account.Username}", Detail: UserAccounts.AuditDetail(account, "created", passwordSet: true)), ct);
                Console.Out.WriteLine($"Account {account.Username} added ({UserAccounts.RoleCode(account.Role)}).");
                if (account.Role == UserRole.Operator)
                {
                    await services.GetRequiredService<OperatorDirectory>().EnsureProfileAsync(account, ct);
                    Console.Out.WriteLine($"Operator {account.Username} ready for every campaign; set the CPI and a desk phone with " +
                        $"`dialer operator add {account.Username} --name \"…\" --cpi CODE [--phone +39…]` or on /admin/utenti/{account.Username}.");
                }
                return 0;
            }, ct);
        });
        command.Subcommands.Add(add);

        var list = new Command("list", "List the accounts with their role and state.");
        list.SetAction(async (_, ct) => await WithServicesAsync(async services =>
        {
            var all = await services.GetRequiredService<UserAccounts>().ListAsync(ct);
            if (all.Count == 0)
            {
                Console.Out.WriteLine("No accounts yet: add the first admin with `dialer users add NAME --name \"…\" --role admin`.");
                return 0;
            }
            Console.Out.WriteLine($"{"USERNAME",-24} {"ROLE",-11} {"STATE",-22} NAME");
            foreach (var a in all)
            {
                var state = !a.Active ? "inactive"
                    : a.LockedUntil is { } until && until > DateTimeOffset.UtcNow ? "locked until " + until.UtcDateTime.ToString("HH:mm 'UTC'", CultureInfo.InvariantCulture)
                    : "active";
                Console.Out.WriteLine($"{a.Username,-24} {UserAccounts.RoleCode(a.Role),-11} {state,-22} {a.DisplayName}");
            }
            return 0;
        }, ct));
        command.Subcommands.Add(list);
        return command;
    }

    /// <summary>Twice without echo on a terminal; otherwise one line of standard input. Null (with the reason on stderr) if unusable.</summary>
    static async Task<string?> ReadPasswordAsync()
    {
        if (Console.IsInputRedirected)
        {
            var line = await Console.In.ReadLineAsync();
            if (!string.IsNullOrEmpty(line)) return line;
            await Console.Error.WriteLineAsync("error: no password on standard input (one line).");
            return null;
        }
        var first = Prompt("Password: ");
        var second = Prompt("Password again: ");
        if (first == second) return first;
        await Console.Error.WriteLineAsync("error: the two passwords differ.");
        return null;
    }

    static string Prompt(string label)
    {
        Console.Error.Write(label);
        var text = new StringBuilder();
        while (Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
        {
            if (key.Key == ConsoleKey.Backspace) { if (text.Length > 0) text.Length--; }
            else if (!char.IsControl(key.KeyChar)) text.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return text.ToString();
    }

    static async Task<int> WithServicesAsync(Func<IServiceProvider, Task<int>> action, CancellationToken ct)
    {
        try
        {
            return await CommandHost.WithCoreServicesAsync(action, ct);
        }
        catch (UserAccountException ex)
        {
            foreach (var e in ex.Errors) await Console.Error.WriteLineAsync($"error: {e}");
            return 2;
        }
    }
}
