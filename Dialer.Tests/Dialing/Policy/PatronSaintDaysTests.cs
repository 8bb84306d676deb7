using Dialer.Core.Database;
using Dialer.Core.Dialing.Policy;
using Microsoft.Extensions.Time.Testing;

namespace Dialer.Tests.Dialing.Policy;

public sealed class PatronSaintDaysTests : DatabaseTest
{
    const string Csv = """
        comune_code;month;day;name
        F205;12;7;Sant'Ambrogio
        I690;6;24;San Giovanni Battista
        C707;12;7;Sant'Ambrogio
        """;

    [Test]
    public async Task Applied_days_answer_by_date_and_by_comune()
    {
        var days = new PatronSaintDays(Db, TimeProvider.System);

        await days.ApplyAsync(PatronSaintDays.ParseCsv(Csv), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(await days.ComuniOnAsync(new DateOnly(2026, 12, 7), CancellationToken.None), Is.EqualTo(new[] { "C707", "F205" }));
            Assert.That(await days.ComuniOnAsync(new DateOnly(2026, 12, 8), CancellationToken.None), Is.Empty);
            Assert.That(await days.IsPatronDayAsync("I690", new DateOnly(2027, 6, 24), CancellationToken.None), Is.True);
            Assert.That(await days.IsPatronDayAsync("F205", new DateOnly(2027, 6, 24), CancellationToken.None), Is.False);
            Assert.That((await days.TableAsync(CancellationToken.None)).For("I690")?.Name, Is.EqualTo("San Giovanni Battista"));
        });
    }

    [Test]
    public async Task A_correction_replaces_the_comune_and_leaves_the_others_alone()
    {
        var days = new PatronSaintDays(Db, TimeProvider.System);
        await days.ApplyAsync(PatronSaintDays.ParseCsv(Csv), CancellationToken.None);

        await days.ApplyAsync(PatronSaintDays.ParseCsv("I690;6;25;San Giovanni (corretto)"), CancellationToken.None);

        var table = await days.TableAsync(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(table.Count, Is.EqualTo(3));
            Assert.That(table.For("I690"), Is.EqualTo(new PatronDay("I690", 6, 25, "San Giovanni (corretto)")));
            Assert.That(table.For("F205"), Is.EqualTo(new PatronDay("F205", 12, 7, "Sant'Ambrogio")));
        });
    }

    [Test]
    public async Task The_cache_is_refreshed_after_five_minutes_so_other_replicas_see_a_correction()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero));
        var days = new PatronSaintDays(Db, clock);
        await days.ApplyAsync(PatronSaintDays.ParseCsv(Csv), CancellationToken.None);
        Assert.That(await days.IsPatronDayAsync("E514", new DateOnly(2026, 11, 5), CancellationToken.None), Is.False);

        // Another replica loads Legnano's day.
        await new PatronSaintDays(Db, clock).ApplyAsync(PatronSaintDays.ParseCsv("E514;11;5;San Magno"), CancellationToken.None);
        var beforeRefresh = await days.IsPatronDayAsync("E514", new DateOnly(2026, 11, 5), CancellationToken.None);
        clock.Advance(PatronSaintDays.RefreshAfter);
        var afterRefresh = await days.IsPatronDayAsync("E514", new DateOnly(2026, 11, 5), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(beforeRefresh, Is.False, "served from this replica's cache");
            Assert.That(afterRefresh, Is.True);
        });
    }

    [Test]
    public void A_bad_file_is_refused_whole_with_one_message_per_problem()
    {
        const string bad = """
            comune_code;month;day;name
            F205;12;7;Sant'Ambrogio
            Milano;12;7;Sant'Ambrogio
            I690;13;24;San Giovanni Battista
            C707;2;30;Sant'Ambrogio
            E514;11;5
            F205;12;8;Duplicato
            H264;5;8;
            """;

        var ex = Assert.Throws<PatronDaysFileException>(() => PatronSaintDays.ParseCsv(bad));

        Assert.That(ex!.Errors, Is.EqualTo(new[]
        {
            "line 3: \"Milano\" is not a Belfiore code (a letter and three digits, e.g. F205).",
            "line 4: month \"13\" is not a number from 1 to 12.",
            "line 5: day \"30\" does not exist in month 2.",
            "line 6: expected 4 fields comune_code;month;day;name, found 3.",
            "line 7: comune F205 is already on line 2.",
            "line 8: the saint's name is empty.",
        }));
    }

    [Test]
    public void An_empty_file_is_refused() =>
        Assert.That(Assert.Throws<PatronDaysFileException>(() => PatronSaintDays.ParseCsv("comune_code;month;day;name\n"))!.Errors,
            Is.EqualTo(new[] { "the file lists no comune." }));

    [Test]
    public void Twenty_ninth_of_February_is_accepted() =>
        Assert.That(PatronSaintDays.ParseCsv("A001;2;29;San Romano"), Has.Count.EqualTo(1));

    [Test]
    public async Task The_migration_seeds_Milan_and_only_verified_comuni_of_the_Citta_metropolitana()
    {
        // The tables are emptied before each test: run the migration's own seed statement again.
        var migration = Migrator.Embedded.Single(m => m.Version.StartsWith("0420_", StringComparison.Ordinal)).Sql;
        await using (var conn = await Db.OpenConnectionAsync())
            await conn.ExecuteAsync(migration[migration.IndexOf("INSERT INTO patron_saint_days", StringComparison.Ordinal)..]);

        var table = await new PatronSaintDays(Db, TimeProvider.System).TableAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(table.For("F205"), Is.EqualTo(new PatronDay("F205", 12, 7, "Sant'Ambrogio")));
            Assert.That(table.ComuniOn(new DateOnly(2026, 12, 7)), Is.EqualTo(new[] { "C707", "F205" }));
            Assert.That(table.For("I690")?.FallsOn(new DateOnly(2026, 6, 24)), Is.True);
            Assert.That(table.Count, Is.EqualTo(5));
        });
    }
}
