using System.Buffers.Binary;
using System.Text;

namespace Dialer.Core.Notices;

/// <summary>
/// Writes PostgreSQL's binary COPY format (header, rows of length-prefixed fields, trailer) into a raw binary COPY
/// (<see cref="NpgsqlConnection.BeginRawBinaryCopyAsync"/>). Npgsql's importer resolves and binds a parameter for every
/// field it writes, which made a notice's 28 fields cost more on the client than the row costs PostgreSQL; this
/// encodes them straight into one buffer. Types are written as the server's binary receive functions read them.
/// </summary>
public sealed class CopyRowWriter : IAsyncDisposable
{
    // "PGCOPY\n\377\r\n\0", then the flags and the header extension's length, both zero
    static readonly byte[] Header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', 0x0A, 0xFF, 0x0D, 0x0A, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];
    static readonly int PostgresEpochDay = new DateOnly(2000, 1, 1).DayNumber;
    static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
    const int FlushAt = 1 << 16;

    readonly NpgsqlRawCopyStream output;
    byte[] buffer = new byte[FlushAt + 4096];
    int length;
    bool started, completed;

    CopyRowWriter(NpgsqlRawCopyStream output) => this.output = output;

    /// <summary>Starts a <c>COPY … FROM STDIN (FORMAT BINARY)</c> on the connection.</summary>
    public static async Task<CopyRowWriter> BeginAsync(NpgsqlConnection conn, string copySql, CancellationToken ct) =>
        new(await conn.BeginRawBinaryCopyAsync(copySql, ct));

    /// <summary>Starts a row of <paramref name="fields"/> fields (the header goes before the first).</summary>
    public void StartRow(short fields)
    {
        WriteHeaderOnce();
        BinaryPrimitives.WriteInt16BigEndian(Reserve(2), fields);
        length += 2;
    }

    public void Null()
    {
        BinaryPrimitives.WriteInt32BigEndian(Reserve(4), -1);
        length += 4;
    }

    public void Text(string? value)
    {
        if (value is null) { Null(); return; }
        var span = Reserve(4 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var written = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32BigEndian(span, written);
        length += 4 + written;
    }

    /// <summary>A date: days since 2000-01-01.</summary>
    public void Date(DateOnly? value)
    {
        if (value is not { } d) { Null(); return; }
        var span = Reserve(8);
        BinaryPrimitives.WriteInt32BigEndian(span, 4);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], d.DayNumber - PostgresEpochDay);
        length += 8;
    }

    /// <summary>A timestamptz from a UTC time: microseconds since 2000-01-01 00:00 UTC.</summary>
    public void TimestampTz(DateTime? utc)
    {
        if (utc is not { } t) { Null(); return; }
        var span = Reserve(12);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], Microseconds(t));
        length += 12;
    }

    /// <summary>A UTC time as PostgreSQL stores a timestamptz: microseconds since 2000-01-01 00:00 UTC.</summary>
    public static long Microseconds(DateTime utc) => (utc.Ticks - PostgresEpochTicks) / TimeSpan.TicksPerMicrosecond;

    public void Boolean(bool value)
    {
        var span = Reserve(5);
        BinaryPrimitives.WriteInt32BigEndian(span, 1);
        span[4] = value ? (byte)1 : (byte)0;
        length += 5;
    }

    public void Int16(short value)
    {
        var span = Reserve(6);
        BinaryPrimitives.WriteInt32BigEndian(span, 2);
        BinaryPrimitives.WriteInt16BigEndian(span[4..], value);
        length += 6;
    }

    public void Int64(long value)
    {
        var span = Reserve(12);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], value);
        length += 12;
    }

    /// <summary>Sends what is buffered once it has grown past the flush size.</summary>
    public ValueTask FlushIfFullAsync(CancellationToken ct) => length >= FlushAt ? FlushAsync(ct) : ValueTask.CompletedTask;

    /// <summary>Writes the trailer, sends the rest and ends the COPY (PostgreSQL's errors about the rows surface here).</summary>
    public async ValueTask CompleteAsync(CancellationToken ct)
    {
        WriteHeaderOnce();
        BinaryPrimitives.WriteInt16BigEndian(Reserve(2), -1);
        length += 2;
        await FlushAsync(ct);
        completed = true;
        await output.DisposeAsync();
    }

    /// <summary>A COPY not completed is cancelled: none of its rows are kept.</summary>
    public async ValueTask DisposeAsync()
    {
        if (completed) return;
        completed = true;
        await output.CancelAsync();
        await output.DisposeAsync();
    }

    void WriteHeaderOnce()
    {
        if (started) return;
        Header.CopyTo(Reserve(Header.Length));
        length += Header.Length;
        started = true;
    }

    async ValueTask FlushAsync(CancellationToken ct)
    {
        if (length == 0) return;
        await output.WriteAsync(buffer.AsMemory(0, length), ct);
        length = 0;
    }

    Span<byte> Reserve(int bytes)
    {
        if (length + bytes > buffer.Length) Array.Resize(ref buffer, Math.Max(buffer.Length * 2, length + bytes));
        return buffer.AsSpan(length, bytes);
    }
}
