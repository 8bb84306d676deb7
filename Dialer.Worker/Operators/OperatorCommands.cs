using System.CommandLine;
using Dialer.Core.Audit;
using Dialer.Core.Operators;
using Dialer.Worker.CommandLine;

namespace Dialer.Worker.Operators;

/// <summary>`dialer operator add|list`: operators are created by IT before they sign in to the console.</summary>
static class OperatorCommands
{
    public static Command Operator()
    {
        var command = new Command("operator", "Operators who take the calls (Twilio Client identities).");

        var identity = new Argument<string>("identity") { Description = "The operator's Twilio Client identity: letters, digits, _ . @ -." };
        var name = new Option<string>("--name") { Description = "The name colleagues and supervisors see.", Required = true };
        var cpi = new Option<string?>("--cpi") { Description = "The code of the CPI the operator works for." };
        var phone = new Option<string?>("--phone") { Description = "Ring this phone (E.164) instead of the browser softphone." };
        var campaign = new Option<string[]>("--campaign") { Description = "Take calls only for this campaign (repeatable; none: every campaign).", AllowMultipleArgumentsPerToken = false };
        var inactive = new Option<bool>("--inactive") { Description = "Create or keep the operator deactivated (cannot sign in)." };
        var add = new Command("add", "Create the operator (signed out), or change the one with this identity.") { identity, name, cpi, phone, campaign, inactive };
        add.SetAction(async (parse, ct) => await WithServicesAsync(async services =>
        {
            var profile = new OperatorProfile(parse.GetValue(identity)!, parse.GetValue(name), parse.GetValue(cpi), parse.GetValue(phone),
                !parse.GetValue(inactive), parse.GetValue(campaign) ?? []);
            var (saved, created) = await services.GetRequiredService<OperatorDirectory>().SaveAsync(profile, ct);
            await services.GetRequiredService<AuditLog>().RecordAsync(new AuditEntry(AuditActors.CommandLine(), AuditActions.UserChanged,
                Subject: $"operator:{saved.Identity}", Detail: new { change = created ? "created" : "updated", saved.Active, cpi = saved.CpiCode }), ct);
            Console.Out.WriteLine($"Operator {saved.Identity} {(created ? "added" : "updated")}: " +
                $"{(saved.Campaigns.Count == 0 ? "every campaign" : string.Join(", ", saved.Campaigns))}, " +
                $"rings {(saved.PhoneE164 is null ? "the browser (client:" + saved.Identity + ")" : "a phone")}{(saved.Active ? "" : ", deactivated")}.");
            return 0;
        }, ct));
        command.Subcommands.Add(add);

        var list = new Command("list", "List the operators with their presence.");
        list.SetAction(async (_, ct) => await WithServicesAsync(async services =>
        {
            var roster = await services.GetRequiredService<OperatorRoster>().ListAsync(ct);
            if (roster.Count == 0)
            {
                Console.Out.WriteLine("No operators yet: add one with `dialer operator add IDENTITY --name NAME`.");
                return 0;
            }
            Console.Out.WriteLine($"{"IDENTITY",-24} {"STATE",-11} {"SINCE (UTC)",-20} NAME");
            foreach (var p in roster)
            {
                var state = SnakeCase.Of(p.State) + (p.PauseReason is { } r ? $" ({SnakeCase.Of(r)})" : "");
                Console.Out.WriteLine($"{p.Identity,-24} {state,-11} {p.Since.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),-20} {p.DisplayName}");
            }
            return 0;
        }, ct));
        command.Subcommands.Add(list);
        return command;
    }

    static async Task<int> WithServicesAsync(Func<IServiceProvider, Task<int>> action, CancellationToken ct)
    {
        try
        {
            return await CommandHost.WithCoreServicesAsync(action, ct);
        }
        catch (OperatorValidationException ex)
        {
            foreach (var e in ex.Errors) await Console.Error.WriteLineAsync($"error: {e}");
            return 2;
        }
    }
}
