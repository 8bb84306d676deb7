namespace Dialer.Tests.Dialing.Policy;

/// <summary>`dialer calendar …`, run as the built executable against the test database.</summary>
public sealed class CalendarCommandTests : DatabaseTest
{
    [Test]
    public async Task Holidays_are_printed_in_Italian_and_follow_the_law_of_each_year()
    {
        var y2026 = await DialerProcess.RunAsync("calendar", "holidays", "2026");
        var y2025 = await DialerProcess.RunAsync("calendar", "holidays", "2025");

        Assert.Multiple(() =>
        {
            Assert.That(y2026.Exit, Is.Zero, y2026.Err);
            Assert.That(y2026.Out, Does.Contain("2026-04-06  lunedì     Lunedì dell'Angelo (Pasquetta)"));
            Assert.That(y2026.Out, Does.Contain("2026-10-04  domenica   San Francesco d'Assisi"));
            Assert.That(y2026.Out.Split('\n').Count(l => l.StartsWith("  2026-", StringComparison.Ordinal)), Is.EqualTo(12));
            Assert.That(y2025.Out, Does.Not.Contain("2025-10-04"));
            Assert.That(y2025.Out, Does.Contain("2025-04-21"));
        });
    }

    [Test]
    public async Task Patron_days_are_applied_from_a_file_and_shown_for_a_comune()
    {
        var good = await TempFileAsync("comune_code;month;day;name\nF205;12;7;Sant'Ambrogio\nI690;6;24;San Giovanni Battista\n");
        var bad = await TempFileAsync("F205;12;7;Sant'Ambrogio\nE514;11;31;San Magno\n");
        try
        {
            var rejected = await DialerProcess.RunAsync("calendar", "patron-days", "apply", bad);
            var rowsAfterRejection = await CountAsync();
            var applied = await DialerProcess.RunAsync("calendar", "patron-days", "apply", good);
            var milan = await DialerProcess.RunAsync("calendar", "holidays", "2026", "--comune", "F205");
            var unknown = await DialerProcess.RunAsync("calendar", "holidays", "2026", "--comune", "Z999");

            Assert.Multiple(async () =>
            {
                Assert.That(rejected.Exit, Is.EqualTo(2));
                Assert.That(rejected.Err, Does.Contain("line 2: day \"31\" does not exist in month 11."));
                Assert.That(rowsAfterRejection, Is.Zero, "a bad file loads nothing, not even its good lines");
                Assert.That(applied.Exit, Is.Zero, applied.Err);
                Assert.That(applied.Out, Does.Contain("2 comune(s)"));
                Assert.That(await CountAsync(), Is.EqualTo(2));
                Assert.That(milan.Exit, Is.Zero, milan.Err);
                Assert.That(milan.Out, Does.Contain("2026-12-07  lunedì     Sant'Ambrogio (santo patrono, F205)"));
                Assert.That(milan.Out.Split('\n').Count(l => l.StartsWith("  2026-", StringComparison.Ordinal)), Is.EqualTo(13));
                Assert.That(unknown.Exit, Is.EqualTo(2));
                Assert.That(unknown.Err, Does.Contain("no patron saint's day is known for comune \"Z999\""));
            });
        }
        finally
        {
            File.Delete(good);
            File.Delete(bad);
        }
    }

    static async Task<long> CountAsync()
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM patron_saint_days");
    }

    static async Task<string> TempFileAsync(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"patron-days-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, text);
        return path;
    }
}
