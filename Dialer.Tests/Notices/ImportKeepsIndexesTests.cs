using Dialer.Core.Notices;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Tests.Notices;

/// <summary>A large import rebuilds secondary indexes after its writes: it must rebuild exactly what the migrations made.</summary>
public sealed class ImportKeepsIndexesTests : DatabaseTest
{
    [Test]
    public async Task An_import_that_defers_index_maintenance_leaves_every_index_as_the_migrations_defined_it()
    {
        var before = await IndexesAsync();
        // An empty store and a batch larger than it: the import takes the reload path that drops and rebuilds indexes.
        var rows = Enumerable.Range(0, 50).Select(i => new CsvNotice() with
        {
            Code = "03000250" + i.ToString("00000000", System.Globalization.CultureInfo.InvariantCulture),
            Cf = CodiceFiscale.Compose("VERDI", "ANNA", 'F', new DateOnly(1980, 1, 1).AddDays(i), "F205"),
        }).ToArray();

        var summary = await new NoticeIngest(Db, NullLogger<NoticeIngest>.Instance, reloadThreshold: 10).RunAsync([CsvNotice.Input("reload.csv", rows)]);
        var after = await IndexesAsync();

        Assert.Multiple(() =>
        {
            Assert.That(summary.Imported, Is.EqualTo(50));
            Assert.That(before, Has.Some.Contains("people_selectable_territory"), "the selection's indexes are among those checked");
            Assert.That(after, Is.EqualTo(before));
        });
    }

    static async Task<List<string>> IndexesAsync()
    {
        await using var conn = await Db.OpenConnectionAsync();
        return (await conn.QueryAsync<string>("""
            SELECT indexdef FROM pg_indexes
            WHERE schemaname = 'public' AND tablename IN ('notices', 'people', 'employment_spells', 'notice_revisions')
            ORDER BY indexname
            """)).ToList();
    }
}
