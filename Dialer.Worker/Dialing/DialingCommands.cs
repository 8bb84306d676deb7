using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Dialer.Core.Dialing.Policy;
using Dialer.Core.Outcomes;
using Dialer.Core;
using Dialer.Worker.CommandLine;

namespace Dialer.Worker.Dialing;

/// <summary>`dialer campaign why SLUG`: why a campaign is (not) dialing, with counts per reason, in Italian.</summary>
public static class DialingCommands
{
    public static Command Why()
    {
        var slug = new Argument<string>("slug") { Description = "The campaign's slug." };
        var json = new Option<bool>("--json") { Description = "Print the diagnostics as JSON, for scripts (GET /api/campaigns/{slug}/diagnostics gives the same)." };
        var command = new Command("why", "Why is nobody (or only some) being dialed: what stops the campaign now, and how many contacts wait or finished, per reason.")
        {
            slug, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var builder = CommandHost.CreateBuilder();
            await using var database = await CommandHost.AttachDatabaseAsync(builder, ct);
            builder.Services.AddDialerCore(builder.Configuration);
            using var host = builder.Build();
            var diagnostics = await host.Services.GetRequiredService<DialingDiagnostics>().ForAsync(parse.GetValue(slug)!, ct);
            if (diagnostics is null)
            {
                await Console.Error.WriteLineAsync($"error: no campaign \"{parse.GetValue(slug)}\" (`dialer campaign list` shows them)");
                return 2;
            }
            if (parse.GetValue(json)) Console.Out.WriteLine(JsonSerializer.Serialize(diagnostics, JsonOptions));
            else Print(diagnostics, Console.Out);
            return 0;
        });
        return command;
    }

    static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The supervisor's reading, in Italian.</summary>
    public static void Print(CampaignDiagnostics d, TextWriter output)
    {
        var it = CultureInfo.GetCultureInfo("it-IT");
        string Local(DateTimeOffset at) => CallingCalendar.ToLocal(at).ToString("ddd d MMM yyyy HH:mm", it);
        output.WriteLine($"Campagna {d.Campaign} «{d.Name}», modalità {(d.Mode == "preview" ? "anteprima" : "progressiva")}, alle {Local(d.At)} (ora di Roma)");
        output.WriteLine(d.DialingNow ? "Stato: si chiama." : "Stato: nessuna chiamata in partenza ora.");
        if (d.Blocking.Count > 0)
        {
            output.WriteLine("Cosa ferma la campagna:");
            foreach (var b in d.Blocking) output.WriteLine(string.Create(it, $"  - {b.Label} ({b.Code}): {b.Count:N0} contatti in attesa"));
            if (d.NextOpening is { } next) output.WriteLine($"  Prossima apertura della fascia di chiamata: {Local(next)}");
        }
        output.WriteLine(string.Create(it, $"Operatori disponibili: {d.OperatorsAvailable:N0}"));
        output.WriteLine(string.Create(it, $"Lista contatti: {d.ContactListPending:N0} da mettere in coda. Coda: {d.Ready:N0} pronti, {d.InProgress:N0} in lavorazione."));
        Section(output, "In attesa, per motivo:", d.Waiting, it);
        Section(output, "Conclusi, per motivo:", d.Finished, it);
        output.WriteLine(string.Create(it, $"Chiamate oggi: {d.DialedToday:N0}. Ultima selezione: {(d.LastSelectionOn is { } on ? on.ToString("d MMM yyyy", it) + $" ({d.LastSelectionSelected:N0} selezionati)" : "mai")}."));
    }

    static void Section(TextWriter output, string title, IReadOnlyList<ReasonCount> reasons, CultureInfo it)
    {
        if (reasons.Count == 0) return;
        output.WriteLine(title);
        foreach (var r in reasons) output.WriteLine(string.Create(it, $"  {r.Count,8:N0}  {r.Label} ({r.Code})"));
    }
}
