using Dialer.Core.Database;
using Dialer.Core;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dialer.Api.Pages;

sealed class IndexModel(Migrator migrator) : PageModel
{
    public bool DatabaseOk { get; private set; }
    public bool SchemaOk { get; private set; }
    public string DatabaseText { get; private set; } = "";
    public string SchemaText { get; private set; } = "";

    public async Task OnGetAsync(CancellationToken ct)
    {
        try
        {
            var status = await migrator.StatusAsync(ct);
            DatabaseOk = true;
            DatabaseText = Text.T("Raggiungibile", "Reachable");
            SchemaOk = status.IsCurrent;
            SchemaText = status switch
            {
                { Unknown.Count: > 0 } => Text.T($"Più recente di questa versione ({status.Unknown.Count} migrazioni sconosciute)", $"Newer than this version ({status.Unknown.Count} unknown migrations)"),
                { Pending.Count: > 0 } => Text.T($"{status.Pending.Count} migrazioni da applicare (dialer migrate)", $"{status.Pending.Count} migrations to apply (dialer migrate)"),
                _ => Text.T($"Aggiornato ({status.Applied.Count} migrazioni applicate)", $"Up to date ({status.Applied.Count} migrations applied)"),
            };
        }
        catch (NpgsqlException)
        {
            DatabaseText = Text.T("Non raggiungibile", "Not reachable");
            SchemaText = Text.T("Sconosciuto", "Unknown");
        }
    }
}
