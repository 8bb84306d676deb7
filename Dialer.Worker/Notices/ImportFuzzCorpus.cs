using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Dialer.Worker.Notices;

/// <summary>How a bad file of the fuzz corpus was made from a generated one.</summary>
public enum FuzzMutation
{
    ByteFlips,
    Truncated,
    DuplicatedAndSwappedLines,
    NulInField,
    ControlCharacterInField,
    HugeField,
    LongLine,
    UnterminatedQuote,
    StrayWindows1252Byte,
    BinaryGarbageCsv,
    BinaryGarbageZip,
    TruncatedZip,
    FlippedZip,
    EmptyFileZip,
    EmptyArchiveZip,
    DeepXml,
    FlippedXml,
}

/// <summary>
/// A file of the corpus. <see cref="SurelyBad"/> files cannot be imported whole: each must leave at least one
/// quarantine row. The others (a byte flip may land in a comment-like spot) only have to be accounted for.
/// </summary>
public sealed record FuzzFile(string Name, FuzzMutation Mutation, bool SurelyBad);

/// <summary>What one corpus holds: the good files (every notice of which must be imported) and the bad ones.</summary>
public sealed record FuzzCorpus(string Folder, IReadOnlyList<string> GoodFiles, IReadOnlyList<string> GoodCodes, IReadOnlyList<FuzzFile> BadFiles);

/// <summary>
/// A fixed-seed fuzz corpus for the notice import, made from the project's own generator: known-good files (a CSV, its
/// contacts and a zip of UniLav XML) and bad files derived from another generated dataset by byte flips, truncations,
/// duplicated and swapped lines, NULs and control characters, huge fields, long lines, unterminated quotes, a stray
/// Windows-1252 byte, binary garbage, broken zips and deep XML. Same seed, same bytes.
/// </summary>
public static class ImportFuzzCorpus
{
    static readonly FuzzMutation[] Mutations = Enum.GetValues<FuzzMutation>();

    public static FuzzCorpus Write(string folder, int seed, int badFiles, DateOnly asOf)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        // The generator's codes start with its seed (mod 10,000): the good data and the bad data never share a code.
        var goodSeed = 1 + (seed * 4 % 9_000);
        var goodCodes = new List<string>();
        var goodFiles = new List<string>();
        // Every name carries the seed: the quarantine keeps one row per file, position and reason, so a second round
        // with the same names would find its rows already there.
        var good = string.Create(CultureInfo.InvariantCulture, $"s{seed}-good");
        goodFiles.AddRange(WriteDataset(folder, good, goodSeed, 120, 0, DatasetFormat.Csv, asOf, goodCodes));
        goodFiles.AddRange(WriteDataset(folder, good, goodSeed + 1, 40, 0, DatasetFormat.Xml, asOf, goodCodes));

        var source = Path.Combine(folder, ".source");
        WriteDataset(source, "source", goodSeed + 2, 120, 0.02, DatasetFormat.Csv, asOf, null);
        WriteDataset(source, "source", goodSeed + 3, 30, 0.02, DatasetFormat.Xml, asOf, null);
        var csvLines = File.ReadAllText(Path.Combine(source, "source-notices.csv"), Encoding.UTF8).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var zipBytes = File.ReadAllBytes(Path.Combine(source, "source-notices.zip"));
        var xmlBytes = FirstXmlEntry(zipBytes);

        var bad = new List<FuzzFile>();
        for (var i = 0; i < badFiles; i++)
        {
            var mutation = Mutations[i % Mutations.Length];
            var name = string.Create(CultureInfo.InvariantCulture, $"s{seed}-bad-{i:000}-{mutation}");
            var (extension, bytes, surelyBad) = Mutate(mutation, random, csvLines, zipBytes, xmlBytes);
            File.WriteAllBytes(Path.Combine(folder, name + extension), bytes);
            bad.Add(new FuzzFile(name + extension, mutation, surelyBad));
        }
        Directory.Delete(source, recursive: true);
        return new FuzzCorpus(folder, goodFiles, goodCodes, bad);
    }

    static IEnumerable<string> WriteDataset(string folder, string prefix, int seed, int people, double invalidShare, DatasetFormat format,
        DateOnly asOf, List<string>? codes)
    {
        var options = new GeneratorOptions { People = people, Seed = seed, AsOf = asOf, InvalidShare = invalidShare };
        var scratch = Path.Combine(folder, $".{prefix}-{seed}");
        NoticeDatasetWriter.Write(new NoticeGenerator(options), scratch, format);
        if (codes is not null)
            codes.AddRange(new NoticeGenerator(options).Generate().Where(r => r.Notice?.Code is not null).Select(r => r.Notice!.Code!));
        var written = new List<string>();
        foreach (var file in Directory.EnumerateFiles(scratch).Where(f => !f.EndsWith(".json", StringComparison.Ordinal)))
        {
            if (file.EndsWith(".zip", StringComparison.Ordinal)) WithFixedTimes(file);
            var name = $"{prefix}-{(format == DatasetFormat.Xml && file.EndsWith("contacts.csv", StringComparison.Ordinal) ? "xml-" : "")}{Path.GetFileName(file)}";
            File.Move(file, Path.Combine(folder, name), overwrite: true);
            written.Add(name);
        }
        Directory.Delete(scratch, recursive: true);
        return written;
    }

    /// <summary>Rewrites a zip with every entry dated the same, so that the same seed gives the same bytes.</summary>
    static void WithFixedTimes(string path)
    {
        var entries = new List<(string Name, byte[] Bytes)>();
        using (var archive = ZipFile.OpenRead(path))
            foreach (var entry in archive.Entries.OrderBy(e => e.FullName, StringComparer.Ordinal))
            {
                using var stream = entry.Open();
                var copy = new MemoryStream();
                stream.CopyTo(copy);
                entries.Add((entry.FullName, copy.ToArray()));
            }
        using var output = new ZipArchive(new FileStream(path, FileMode.Create), ZipArchiveMode.Create);
        foreach (var (name, bytes) in entries)
        {
            var entry = output.CreateEntry(name, CompressionLevel.Fastest);
            entry.LastWriteTime = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            using var stream = entry.Open();
            stream.Write(bytes);
        }
    }

    static byte[] FirstXmlEntry(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        using var entry = archive.Entries.OrderBy(e => e.FullName, StringComparer.Ordinal).First().Open();
        var copy = new MemoryStream();
        entry.CopyTo(copy);
        return copy.ToArray();
    }

    static (string Extension, byte[] Bytes, bool SurelyBad) Mutate(FuzzMutation mutation, Random random, string[] lines, byte[] zip, byte[] xml)
    {
        var header = lines[0];
        var body = lines[1..];
        switch (mutation)
        {
            case FuzzMutation.ByteFlips:
            {
                var bytes = Utf8(header, Slice(random, body, 40));
                for (var k = random.Next(1, 20); k > 0; k--) bytes[random.Next(header.Length + 1, bytes.Length)] = (byte)random.Next(256);
                return (".csv", bytes, false);
            }
            case FuzzMutation.Truncated:
            {
                var bytes = Utf8(header, Slice(random, body, 40));
                return (".csv", bytes[..random.Next(header.Length + 1, bytes.Length)], false);
            }
            case FuzzMutation.DuplicatedAndSwappedLines:
            {
                var picked = Slice(random, body, 30).ToList();
                for (var k = 0; k < 5; k++) picked.Insert(random.Next(picked.Count), picked[random.Next(picked.Count)]);
                for (var k = 0; k < 5; k++)
                {
                    int a = random.Next(picked.Count), b = random.Next(picked.Count);
                    (picked[a], picked[b]) = (picked[b], picked[a]);
                }
                return (".csv", Utf8(header, picked), false);
            }
            case FuzzMutation.NulInField:
                return (".csv", Utf8(header, WithField(random, body, f => f.Insert(random.Next(f.Length + 1), "\0"))), true);
            case FuzzMutation.ControlCharacterInField:
                return (".csv", Utf8(header, WithField(random, body, f => f.Insert(random.Next(f.Length + 1), ((char)random.Next(1, 9)).ToString()))), true);
            case FuzzMutation.HugeField:
                return (".csv", Utf8(header, WithField(random, body, _ => new string('A', random.Next(10_000, 300_000)))), true);
            case FuzzMutation.LongLine:
            {
                var picked = Slice(random, body, 20).ToList();
                picked.Insert(random.Next(picked.Count), new string('9', random.Next(100_000, 1_000_000)));
                return (".csv", Utf8(header, picked), true);
            }
            case FuzzMutation.UnterminatedQuote:
                return (".csv", Utf8(header, WithField(random, body, f => "\"" + f)), true);
            case FuzzMutation.StrayWindows1252Byte:
            {
                // A UTF-8 file (three accented surnames are its evidence) with one line carrying a lone 0xD2 (Ò in
                // Windows-1252), which must be quarantined rather than decide the file's encoding.
                var picked = Slice(random, body, 30).ToList();
                var at = random.Next(picked.Count);
                for (var k = 1; k <= 3; k++)
                {
                    var fields = picked[(at + k) % picked.Count].Split(';');
                    fields[6] = "D'ANGELÒ";
                    picked[(at + k) % picked.Count] = string.Join(';', fields);
                }
                var bytes = new List<byte>(Utf8(header, picked[..at]));
                var line = Encoding.UTF8.GetBytes(picked[at]);
                var semicolon = NthIndexOf(line, (byte)';', 6); // just before the surname
                bytes.AddRange(line[..(semicolon + 1)]);
                bytes.Add(0xD2);
                bytes.AddRange(line[(semicolon + 1)..]);
                bytes.Add((byte)'\n');
                bytes.AddRange(Encoding.UTF8.GetBytes(string.Join('\n', picked[(at + 1)..]) + "\n"));
                return (".csv", [.. bytes], true);
            }
            case FuzzMutation.BinaryGarbageCsv:
                return (".csv", Garbage(random), true);
            case FuzzMutation.BinaryGarbageZip:
                return (".zip", Garbage(random), true);
            case FuzzMutation.TruncatedZip:
                return (".zip", zip[..random.Next(1, zip.Length - 22)], true);
            case FuzzMutation.FlippedZip:
            {
                var bytes = (byte[])zip.Clone();
                for (var k = random.Next(1, 30); k > 0; k--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return (".zip", bytes, false);
            }
            case FuzzMutation.EmptyFileZip:
                return (".zip", [], true);
            case FuzzMutation.EmptyArchiveZip:
            {
                var empty = new MemoryStream();
                using (new ZipArchive(empty, ZipArchiveMode.Create, leaveOpen: true)) { }
                return (".zip", empty.ToArray(), true);
            }
            case FuzzMutation.DeepXml:
            {
                var depth = random.Next(20_000, 200_000);
                var text = new StringBuilder("<?xml version=\"1.0\"?>\n");
                for (var k = 0; k < depth; k++) text.Append("<a>");
                for (var k = 0; k < depth; k++) text.Append("</a>");
                return (".xml", Encoding.UTF8.GetBytes(text.ToString()), true);
            }
            case FuzzMutation.FlippedXml:
            {
                var bytes = (byte[])xml.Clone();
                for (var k = random.Next(1, 10); k > 0; k--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return (".xml", bytes, false);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(mutation), mutation, null);
        }
    }

    static string[] Slice(Random random, string[] lines, int count)
    {
        var start = random.Next(Math.Max(1, lines.Length - count));
        return lines[start..Math.Min(lines.Length, start + count)];
    }

    /// <summary>A slice of lines with one field of one line (a worker's code, surname or name) rewritten.</summary>
    static string[] WithField(Random random, string[] lines, Func<string, string> rewrite)
    {
        var picked = Slice(random, lines, 20);
        var at = random.Next(picked.Length);
        var fields = picked[at].Split(';');
        // Columns 5, 6, 7: codice_fiscale_lavoratore, cognome, nome (NoticeCsvReader.NoticeColumns).
        var field = random.Next(5, 8);
        fields[field] = rewrite(fields[field]);
        picked[at] = string.Join(';', fields);
        return picked;
    }

    static int NthIndexOf(byte[] bytes, byte value, int n)
    {
        var at = -1;
        for (var k = 0; k < n; k++) at = Array.IndexOf(bytes, value, at + 1);
        return at;
    }

    static byte[] Utf8(string header, IEnumerable<string> lines) => Encoding.UTF8.GetBytes(header + "\n" + string.Join('\n', lines) + "\n");

    static byte[] Garbage(Random random)
    {
        var bytes = new byte[random.Next(1, 64 * 1024)];
        random.NextBytes(bytes);
        return bytes;
    }
}
