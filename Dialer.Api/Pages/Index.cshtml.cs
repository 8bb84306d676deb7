using Dialer.Core.Database;
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
            DatabaseText = "Raggiungibile";
            SchemaOk = status.IsCurrent;
            SchemaText = status switch
            {
                { Unknown.Count: > 0 } => $"Più recente di questa versione ({status.Unknown.Count} migrazioni sconosciute)",
                { Pending.Count: > 0 } => $"{status.Pending.Count} migrazioni da applicare (dialer migrate)",
                _ => $"Aggiornato ({status.Applied.Count} migrazioni applicate)",
            };
        }
        catch (NpgsqlException)
        {
            DatabaseText = "Non raggiungibile";
            SchemaText = "Sconosciuto";
        }
    }
}
