using System.Globalization;
using System.Text;
using Dialer.Core.PhoneNumbers;
using Dialer.Worker.Notices;
using PhoneNumbers;
using PhoneNumber = Dialer.Core.PhoneNumbers.PhoneNumber;

namespace Dialer.Tests.PhoneNumbers;

/// <summary>
/// Runs the hand-written classifier Dialer had before libphonenumber and today's over a broad set of Italian and
/// foreign numbers, and checks that every difference is one docs/phone-numbers.md lists with its decision. The full
/// list (every number, grouped) is written to the test's output and to phone-number-differences.txt in the test's
/// work directory: that is where the document's tables come from.
/// </summary>
public sealed class PhoneNumberComparisonTests
{
    static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>
    /// Each kind of difference (old kind → new kind, what libphonenumber says the number is, whether the E.164 form
    /// changed) with the decision docs/phone-numbers.md records for it. A difference outside this table fails the
    /// test: a new libphonenumber release that moves a range has to be looked at and written down.
    /// </summary>
    static readonly Dictionary<string, string> Decisions = new(StringComparer.Ordinal)
    {
        // Italian numbers
        ["Landline → Invalid, libphonenumber: UNKNOWN"] = "+39 00…: no Italian number starts with 00 (an international prefix written again after +39)",
        ["Landline → Invalid, libphonenumber: PREMIUM_RATE"] = "0878 + 5 digits: a premium-rate range, not a person's number",
        ["Invalid → Landline, libphonenumber: FIXED_LINE"] = "0831 + 8 digits: 12 digits in all, a landline range the 6–11 rule missed",
        // Foreign numbers
        ["Invalid → Foreign, libphonenumber: *"] = "7 digits with the country code, a possible length there: E.164 allows 7, the old rule wanted 8",
        ["Foreign → Invalid, libphonenumber: impossible"] = "a length no number of that country has (area code included)",
        ["Foreign → Invalid, libphonenumber: unknown country code"] = "no country has that code",
        ["Foreign → Foreign (E.164 changes), libphonenumber: *"] = "a trunk prefix written after the country code (+44 07911…) is dropped",
    };

    [Test]
    public void Every_number_libphonenumber_classifies_differently_from_the_hand_written_rules_has_a_decision()
    {
        var corpus = Corpus();
        var differences = new SortedDictionary<string, List<(string Raw, PhoneNumber Old, PhoneNumber New)>>(StringComparer.Ordinal);
        foreach (var raw in corpus)
        {
            var old = HandWrittenPhoneNumber.Parse(raw);
            var now = PhoneNumber.Parse(raw);
            if (old == now) continue;
            var key = Key(old, now);
            if (!differences.TryGetValue(key, out var list)) differences[key] = list = [];
            list.Add((raw, old, now));
        }

        var report = Report(corpus.Count, differences);
        TestContext.Out.WriteLine(report);
        File.WriteAllText(Path.Combine(TestContext.CurrentContext.WorkDirectory, "phone-number-differences.txt"), report);

        var undecided = differences.Keys.Where(k => !Decisions.ContainsKey(Generalise(k))).ToList();
        Assert.That(undecided, Is.Empty, "differences without a decision in docs/phone-numbers.md (see the test's output)");
    }

    [Test]
    public void An_Italian_number_built_from_its_digits_and_typed_by_the_compiled_patterns_is_what_libphonenumber_parses_and_types()
    {
        var mismatches = new List<string>();
        foreach (var raw in Corpus())
        {
            var now = PhoneNumber.Parse(raw);
            if (now.E164 is null) continue;
            Assert.That(PhoneNumber.IsE164(now.E164), Is.True, raw);
            var parsed = Util.Parse(now.E164, null);
            var expected = parsed.CountryCode != 39 ? PhoneKind.Foreign : Util.GetNumberType(parsed) switch
            {
                PhoneNumberType.MOBILE => PhoneKind.ItalianMobile,
                // FIXED_LINE, or UNKNOWN with the landline shape (the decision above)
                PhoneNumberType.FIXED_LINE or PhoneNumberType.FIXED_LINE_OR_MOBILE or PhoneNumberType.UNKNOWN => PhoneKind.Landline,
                _ => PhoneKind.Invalid,
            };
            if (Util.Format(parsed, PhoneNumberFormat.E164) != now.E164 || expected != now.Kind) mismatches.Add($"{raw} → {now}");
        }
        Assert.That(mismatches, Is.Empty);
    }

    static string Key(PhoneNumber old, PhoneNumber now)
    {
        var change = old.Kind == now.Kind ? $"{old.Kind} → {now.Kind} (E.164 changes)" : $"{old.Kind} → {now.Kind}";
        return $"{change}, libphonenumber: {LibraryView(now.E164 ?? old.E164!)}";
    }

    /// <summary>The decision table names the foreign cases by kind only: libphonenumber's type abroad does not matter.</summary>
    static string Generalise(string key) =>
        key.Contains("Foreign", StringComparison.Ordinal) && !key.EndsWith("impossible", StringComparison.Ordinal)
        && !key.EndsWith("unknown country code", StringComparison.Ordinal)
            ? key[..(key.IndexOf(": ", StringComparison.Ordinal) + 2)] + "*"
            : key;

    /// <summary>What libphonenumber makes of an E.164 string: its type, or why it has none.</summary>
    static string LibraryView(string e164)
    {
        var digits = e164[1..];
        var known = Enumerable.Range(1, Math.Min(3, digits.Length)).Any(n => Util.GetRegionCodesForCountryCode(int.Parse(digits[..n], CultureInfo.InvariantCulture)).Count > 0);
        if (!known) return "unknown country code";
        var number = Util.Parse(e164, null);
        if (Util.IsPossibleNumberWithReason(number) != PhoneNumberUtil.ValidationResult.IS_POSSIBLE) return "impossible";
        return Util.GetNumberType(number).ToString();
    }

    static string Report(int tried, SortedDictionary<string, List<(string Raw, PhoneNumber Old, PhoneNumber New)>> differences)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{tried:N0} numbers tried; {differences.Values.Sum(l => l.Count):N0} classified differently, in {differences.Count} kinds.");
        foreach (var (key, list) in differences)
        {
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"## {key}: {list.Count:N0} ({Decisions.GetValueOrDefault(Generalise(key), "NO DECISION")})");
            // Italian ranges are many numbers of one shape: one line per national prefix of 4 digits and length.
            foreach (var group in list.GroupBy(d => Shape(d.Old.E164 ?? d.New.E164!)).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var first = group.First();
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"  {group.Key,-24} {group.Count(),6}×  e.g. '{first.Raw}': {first.Old.E164 ?? "-"} {first.Old.Kind} → {first.New.E164 ?? "-"} {first.New.Kind}");
            }
        }
        return text.ToString();
    }

    /// <summary>+39 numbers by national prefix (4 digits) and length; foreign ones by country code and length.</summary>
    static string Shape(string e164)
    {
        if (e164.StartsWith("+39", StringComparison.Ordinal))
        {
            var national = e164[3..];
            return $"+39 {national[..Math.Min(4, national.Length)]}… ({national.Length} digits)";
        }
        var digits = e164[1..];
        var code = Enumerable.Range(1, Math.Min(3, digits.Length)).Select(n => digits[..n])
            .FirstOrDefault(c => Util.GetRegionCodesForCountryCode(int.Parse(c, CultureInfo.InvariantCulture)).Count > 0) ?? "?";
        return $"+{code} ({digits.Length} digits)";
    }

    /// <summary>
    /// The numbers both classifiers see: the generator's (notices and contact lists), the written forms the tests use,
    /// every Italian national prefix of 4 digits at every length from 6 to 12 (3xx mobiles, 0x landlines, 8xx, 1xx,
    /// 4x, 5x, 7x), bare and after +39; special and short numbers; and every country's example mobile and fixed-line
    /// numbers, as written, with a trunk 0 after the country code, one digit short and one too many.
    /// </summary>
    static List<string> Corpus()
    {
        var corpus = new List<string>();
        foreach (var record in new NoticeGenerator(new GeneratorOptions { People = 3000, Seed = 1 }).Generate())
        {
            if (record.Notice?.Mobile is { } mobile) corpus.Add(mobile);
            if (record.Contact is { Length: > 1 } contact) corpus.Add(contact[1]);
        }
        corpus.AddRange([
            "+39 347 1234567", "0039 347 1234567", "393471234567", "347/1234567", "347-123.4567", "347 1234567; 02 1234567",
            "320123456", "3101234567", "02 12345678", "0347 1234567", "+41 79 123 45 67", "0044 7911 123456", "3471234",
            "800123456", "34712345678901", "chiamare ore pasti", "", "347 12", "+39 06 6988 1234", "06 69812345",
            "39 06 12345678", "0039 02 1234567", "+39 0549 123456", "+378 0549 123456", "+378 66 123456",
        ]);
        // Short and special numbers: emergency, public utility, harmonised social services, operator services.
        corpus.AddRange(["112", "113", "115", "117", "118", "1500", "1515", "1518", "116000", "116117", "187", "190", "191",
            "4848", "892424", "892021", "199123456", "178123456", "848123456", "840123456", "803131", "800123456", "5512345678",
            "7012345678", "4312345678", "0878123456", "0899123456"]);
        const string fill = "5678901234567890";
        for (var prefix = 0; prefix <= 9999; prefix++)
        {
            var head = prefix.ToString("0000", CultureInfo.InvariantCulture);
            for (var length = 6; length <= 12; length++)
            {
                var national = head + fill[..(length - 4)];
                corpus.Add(national);
                corpus.Add("+39 " + national);
            }
        }
        foreach (var region in Util.GetSupportedRegions().Order(StringComparer.Ordinal))
        {
            foreach (var type in new[] { PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE })
            {
                if (Util.GetExampleNumberForType(region, type) is not { } example) continue;
                var code = example.CountryCode.ToString(CultureInfo.InvariantCulture);
                var national = Util.GetNationalSignificantNumber(example);
                corpus.Add($"+{code} {national}");
                corpus.Add($"00{code}{national}");
                corpus.Add($"+{code} 0{national}");
                corpus.Add($"+{code} {national[..^1]}");
                corpus.Add($"+{code} {national}1");
            }
        }
        // Country codes no country has, and lengths E.164 does not allow.
        corpus.AddRange(["+999 1234567", "+80 12345678", "+28 12345678", "+1 23456", "+44 1234567890123456", "+7 9123456789"]);
        return corpus;
    }
}
