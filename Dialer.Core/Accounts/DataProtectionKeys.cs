using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Dialer.Core.Accounts;

/// <summary>
/// ASP.NET Data Protection's key ring in PostgreSQL (table data_protection_keys, migration 0505), so that every API
/// replica reads the sign-in cookies and antiforgery tokens any other replica issued (docs/accounts.md). Keys are written
/// once and never changed; ASP.NET revokes a key by writing a new element, not by editing one.
/// </summary>
public sealed class DataProtectionKeys(NpgsqlDataSource db) : IXmlRepository
{
    // ASP.NET calls these synchronously, at startup and when a key rolls (every 90 days).
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var conn = db.OpenConnection();
        return conn.Query<string>("SELECT xml FROM data_protection_keys ORDER BY id").Select(x => XElement.Parse(x)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var conn = db.OpenConnection();
        // Two replicas creating the first key at once: each keeps its own (both are valid), names permitting.
        conn.Execute("""
            INSERT INTO data_protection_keys (friendly_name, xml) VALUES (@friendlyName, @xml)
            ON CONFLICT (friendly_name) DO NOTHING
            """, new { friendlyName, xml = element.ToString(SaveOptions.DisableFormatting) });
    }
}
