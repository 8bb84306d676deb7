using Dialer.Worker.Notices;

namespace Dialer.Tests.Notices;

/// <summary>
/// The import against a fixed-seed corpus of bad files (byte flips, truncations, NULs, huge fields, long lines, broken
/// zips, deep XML…) imported together with good ones: once into an empty store (the first-load path), once on top of
/// it (the merge path). `dialer bench fuzz-import --seconds N` runs the same rounds with new seeds for longer.
/// </summary>
public sealed class ImportFuzzTests : DatabaseTest
{
    [TestCase(1)]
    [TestCase(2)]
    public async Task A_corpus_of_bad_files_costs_no_good_record_and_every_record_is_accounted_for(int seed)
    {
        var folder = Directory.CreateTempSubdirectory("dialer-fuzz-test-").FullName;
        try
        {
            var asOf = new DateOnly(2026, 11, 1);
            var firstLoad = await ImportFuzz.RunRoundAsync(Db, Path.Combine(folder, "first"), seed, 34, asOf, CancellationToken.None);
            var merge = await ImportFuzz.RunRoundAsync(Db, Path.Combine(folder, "merge"), seed + 100, 34, asOf, CancellationToken.None);

            Assert.Multiple(() =>
            {
                Assert.That(firstLoad.Failures, Is.Empty, "first load");
                Assert.That(firstLoad.Summary?.FirstLoad, Is.True);
                Assert.That(firstLoad.Summary?.Quarantined, Is.Positive);
                Assert.That(merge.Failures, Is.Empty, "merge");
                Assert.That(merge.Summary?.FirstLoad, Is.False);
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void The_corpus_is_the_same_for_the_same_seed()
    {
        var a = Directory.CreateTempSubdirectory("dialer-fuzz-a-").FullName;
        var b = Directory.CreateTempSubdirectory("dialer-fuzz-b-").FullName;
        try
        {
            var asOf = new DateOnly(2026, 11, 1);
            var first = ImportFuzzCorpus.Write(a, 7, 20, asOf);
            var second = ImportFuzzCorpus.Write(b, 7, 20, asOf);

            Assert.That(second.BadFiles, Is.EqualTo(first.BadFiles));
            foreach (var file in first.BadFiles.Select(f => f.Name).Concat(first.GoodFiles))
                Assert.That(File.ReadAllBytes(Path.Combine(b, file)), Is.EqualTo(File.ReadAllBytes(Path.Combine(a, file))), file);
        }
        finally
        {
            Directory.Delete(a, recursive: true);
            Directory.Delete(b, recursive: true);
        }
    }
}
