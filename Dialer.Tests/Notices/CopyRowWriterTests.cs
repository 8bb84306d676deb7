using Dialer.Core.Notices;

namespace Dialer.Tests.Notices;

/// <summary>Our binary COPY encoding, read back by PostgreSQL itself.</summary>
public sealed class CopyRowWriterTests : DatabaseTest
{
    const string Table = "CREATE TEMP TABLE copied (n smallint, t text, d date, ts timestamptz, b boolean, s smallint, l bigint)";
    const string Copy = "COPY copied (n, t, d, ts, b, s, l) FROM STDIN (FORMAT BINARY)";

    sealed record Copied(short N, string? T, DateOnly? D, DateTime? Ts, bool? B, short? S, long? L);

    [Test]
    public async Task Every_field_type_reads_back_as_written_including_nulls_edges_and_non_ascii_text()
    {
        Copied[] rows =
        [
            new(1, "Società Cooperativa «Né l'una né l'altra» €😀", new DateOnly(1999, 12, 31), new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(10), true, -5, -1),
            new(2, "", new DateOnly(2000, 1, 1), new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), false, short.MaxValue, long.MaxValue),
            new(3, null, null, null, null, null, null),
            new(4, new string('x', 200_000), new DateOnly(9999, 12, 31), new DateTime(2026, 3, 29, 1, 59, 59, 999, DateTimeKind.Utc).AddTicks(9990), true, short.MinValue, long.MinValue),
            new(5, "a", new DateOnly(1, 1, 1), new DateTime(1899, 12, 31, 23, 0, 0, DateTimeKind.Utc), false, 0, 9_000_000_000),
        ];
        await using var conn = await Db.OpenConnectionAsync();
        await conn.ExecuteAsync(Table);

        await using (var copy = await CopyRowWriter.BeginAsync(conn, Copy, CancellationToken.None))
        {
            foreach (var r in rows)
            {
                copy.StartRow(7);
                copy.Int16(r.N);
                copy.Text(r.T);
                copy.Date(r.D);
                copy.TimestampTz(r.Ts);
                if (r.B is { } b) copy.Boolean(b); else copy.Null();
                if (r.S is { } s) copy.Int16(s); else copy.Null();
                if (r.L is { } l) copy.Int64(l); else copy.Null();
                await copy.FlushIfFullAsync(CancellationToken.None);
            }
            await copy.CompleteAsync(CancellationToken.None);
        }
        var read = (await conn.QueryAsync<Copied>("SELECT n AS N, t AS T, d AS D, ts AS Ts, b AS B, s AS S, l AS L FROM copied ORDER BY n")).ToList();

        Assert.That(read, Is.EqualTo(rows));
    }

    [Test]
    public async Task A_copy_left_without_completing_keeps_no_row_and_leaves_the_connection_usable()
    {
        await using var conn = await Db.OpenConnectionAsync();
        await conn.ExecuteAsync(Table);

        await using (var copy = await CopyRowWriter.BeginAsync(conn, Copy, CancellationToken.None))
        {
            copy.StartRow(7);
            copy.Int16(1);
            copy.Text("half");
            copy.Null();
            copy.Null();
            copy.Null();
            copy.Null();
            copy.Null();
        }

        Assert.That(await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM copied"), Is.Zero);
    }
}
