using System.IO.Compression;
using System.Text;

namespace Dialer.Tests.Notices;

/// <summary>
/// Files no import may fail on, generated at run time, with the good file beside them and what the quarantine must
/// say of each (file, position, the start of the message). Shared by the ingest, command-line and API tests.
/// </summary>
public static class BadFiles
{
    public sealed record Expected(string File, long Position, string MessageStart);

    /// <summary>One good notice; every other file is bad in its own way.</summary>
    public static readonly CsvNotice Good = new();

    public static IReadOnlyList<(string Name, byte[] Bytes)> Files()
    {
        var good = Encoding.UTF8.GetBytes(CsvNotice.File(Good));
        var valid = Zip(("a.csv", good));
        return
        [
            ("good.csv", good),
            ("empty.zip", []),
            ("no-entries.zip", Zip()),
            ("garbage.zip", Garbage(1 << 16)),
            ("garbage.csv", Garbage(1 << 16)),
            ("garbage.csv.zip", Garbage(1 << 10)),
            ("truncated.zip", valid[..(valid.Length / 2)]),
            ("corrupt-directory.zip", CorruptDirectory(valid)),
            // the first entry's compressed data broken, the second entry good (the notice is a duplicate of good.csv)
            ("corrupt-entry.zip", CorruptFirstEntry(Zip(("a.csv", good), ("b.csv", good)))),
            ("bomb.zip", Bomb(64 << 20)),
            ("deep.xml", Deep(200_000)),
            ("long-text.xml", Encoding.UTF8.GetBytes($"<UniLav xmlns=\"http://servizi.lavoro.gov.it/unilav\"><x>{new string('A', 2 << 20)}</x></UniLav>")),
            ("broken.xml", Encoding.UTF8.GetBytes("<UniLav xmlns=\"http://servizi.lavoro.gov.it/unilav\">\n  <unclosed>\n</UniLav>")),
        ];
    }

    public static readonly Expected[] Quarantine =
    [
        new("bomb.zip/bomb.csv", 1, "zip entry bomb.csv decompresses more than 200:1"),
        new("broken.xml", 1, "XML not well-formed at line 3, column 3"),
        new("corrupt-directory.zip", 0, "corrupt zip: "),
        new("corrupt-entry.zip/a.csv", 1, "corrupt compressed data: "),
        new("deep.xml", 1, "XML nested deeper than 64 levels at line 1"),
        new("empty.zip", 0, "empty zip: the file has no bytes"),
        new("garbage.csv", 1, "the header lacks"),
        new("garbage.csv.zip", 0, "not a zip file"),
        new("garbage.zip", 0, "not a zip file"),
        new("long-text.xml", 1, "more than 1,048,576 bytes without a tag from line 1"),
        new("no-entries.zip", 0, "empty zip: it holds no files"),
        new("truncated.zip", 0, "truncated zip"),
    ];

    /// <summary>The quarantine as stored, in <see cref="Quarantine"/>'s order, each message cut to the expected start.</summary>
    public static async Task<List<Expected>> StoredAsync(NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        var rows = await conn.QueryAsync<(string File, long Position, string Message)>(
            "SELECT file_name, position, message FROM notice_quarantine WHERE reason = 'Malformed' ORDER BY file_name COLLATE \"C\"");
        return rows.Select(r =>
        {
            var expected = Quarantine.FirstOrDefault(q => q.File == r.File);
            var start = expected is null ? r.Message : r.Message[..Math.Min(r.Message.Length, expected.MessageStart.Length)];
            return new Expected(r.File, r.Position, start);
        }).ToList();
    }

    public static byte[] Zip(params (string Name, byte[] Bytes)[] entries)
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
                entry.Write(bytes);
            }
        }
        return stream.ToArray();
    }

    /// <summary>A zip of one CSV entry: the header, then one line of <paramref name="bytes"/> 'A's (1 GiB compress to ~1 MB).</summary>
    public static byte[] Bomb(long bytes)
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("bomb.csv", CompressionLevel.Optimal).Open();
            entry.Write(Encoding.UTF8.GetBytes(CsvNotice.Header + "\n"));
            var block = Enumerable.Repeat((byte)'A', 1 << 20).ToArray();
            for (long written = 0; written < bytes; written += block.Length) entry.Write(block, 0, (int)Math.Min(block.Length, bytes - written));
        }
        return stream.ToArray();
    }

    /// <summary>Elements nested <paramref name="levels"/> deep on one line (200,000 levels: 1.4 MB).</summary>
    public static byte[] Deep(int levels)
    {
        var xml = new StringBuilder(levels * 7);
        for (var i = 0; i < levels; i++) xml.Append("<a>");
        for (var i = 0; i < levels; i++) xml.Append("</a>");
        return Encoding.ASCII.GetBytes(xml.ToString());
    }

    /// <summary>Random bytes with no zip signature in front and no NUL (PostgreSQL text cannot hold one).</summary>
    public static byte[] Garbage(int length)
    {
        var bytes = new byte[length];
        new Random(12).NextBytes(bytes);
        for (var i = 0; i < bytes.Length; i++) if (bytes[i] == 0) bytes[i] = 1;
        bytes[0] = (byte)'G';
        return bytes;
    }

    /// <summary>A zip whose central directory's first header is overwritten.</summary>
    static byte[] CorruptDirectory(byte[] zip)
    {
        var copy = zip.ToArray();
        var end = copy.Length - 22;
        var directory = BitConverter.ToInt32(copy, end + 16);
        copy.AsSpan(directory, 4).Fill(0x42);
        return copy;
    }

    /// <summary>The first entry's deflated data replaced by 0xFF bytes: an invalid block type.</summary>
    static byte[] CorruptFirstEntry(byte[] zip)
    {
        var copy = zip.ToArray();
        var compressed = BitConverter.ToInt32(copy, 18);
        var data = 30 + BitConverter.ToInt16(copy, 26) + BitConverter.ToInt16(copy, 28);
        copy.AsSpan(data, compressed).Fill(0xFF);
        return copy;
    }
}
