namespace Dialer.Core.Notices;

/// <summary>
/// One file to import: a UniLav XML document, a zip of them, a notices CSV or a contacts CSV. <see cref="Open"/>
/// may be called more than once (the CSV reader looks at the bytes once to tell UTF-8 from Windows-1252).
/// </summary>
public sealed record NoticeInput(string Name, Func<Stream> Open)
{
    /// <summary>Files as given, folders expanded (recursively, in name order) to their .xml, .csv and .zip files.</summary>
    public static IEnumerable<NoticeInput> FromPaths(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".xml" or ".csv" or ".zip")
                    .Order(StringComparer.Ordinal);
                foreach (var file in files) yield return FromFile(file);
            }
            else if (File.Exists(path)) yield return FromFile(path);
            else throw new FileNotFoundException($"No such file or folder: {path}", path);
        }
    }

    public static NoticeInput FromFile(string path) =>
        new(Path.GetFileName(path), () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan));
}

/// <summary>
/// One record read from an input: a notice, a contact, or a rejection with the raw text it came from.
/// <see cref="Position"/> is the line number in a CSV, the notice's ordinal in an XML document.
/// </summary>
public readonly record struct SourceRecord(string File, long Position, Notice? Notice, Contact? Contact, Rejection? Rejection, string? Raw);
