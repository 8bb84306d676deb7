using System.Text.RegularExpressions;
using PhoneNumbers;
using LibPhoneNumber = PhoneNumbers.PhoneNumber;

namespace Dialer.Core.PhoneNumbers;

/// <summary>What a cleaned number is, per the AGCOM numbering plan (docs/domain.md §3.1–3.2) as libphonenumber knows it.</summary>
public enum PhoneKind
{
    Invalid,
    ItalianMobile,
    Landline,
    Foreign,
}

/// <summary>
/// A phone number normalised to E.164 (<c>+39…</c>); <c>E164</c> is null when the kind is Invalid. Our Italian cleaning
/// rules come first; libphonenumber then parses, formats and classifies (docs/phone-numbers.md has the rules, the
/// numbers it classifies differently from our earlier hand-written rules, and the decision for each kind).
/// </summary>
public sealed partial record PhoneNumber(string? E164, PhoneKind Kind)
{
    public static readonly PhoneNumber None = new(null, PhoneKind.Invalid);

    /// <summary>An E.164 number as Twilio takes it: '+', a country code that does not start with 0, 7 to 15 digits in all.</summary>
    public const string E164Pattern = @"^\+[1-9][0-9]{6,14}$";

    /// <summary>Whether a number is already in E.164 form (the one check; <see cref="Parse"/> cleans any other form).</summary>
    public static bool IsE164(string? value) => value is not null && E164Regex().IsMatch(value);

    [GeneratedRegex(E164Pattern)]
    private static partial Regex E164Regex();

    /// <summary>libphonenumber's one instance: thread-safe, its metadata loaded once per process.</summary>
    static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    const int ItalyCode = 39;

    /// <summary>
    /// Cleans a number written any of the ways CO extensions and contact lists write them (<c>+39 347 1234567</c>,
    /// <c>0039…</c>, <c>39347…</c>, <c>347/1234567</c>, <c>347-123.4567</c>, two numbers in one field), then lets
    /// libphonenumber format and classify it. Never throws: the cleaning hands libphonenumber only digit strings of a
    /// length and country code it accepts, so ordinary bad input costs no exception.
    /// </summary>
    public static PhoneNumber Parse(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return None;

        // Two numbers in one field: keep the first (the second is usually a landline or a relative's).
        var text = raw.AsSpan().Trim();
        var separator = text.IndexOfAny(",;|");
        if (separator > 0) text = text[..separator].Trim();

        // 1. Keep digits and a leading '+'.
        Span<char> buffer = stackalloc char[32];
        var length = 0;
        var plus = false;
        foreach (var c in text)
        {
            if (c == '+' && length == 0 && !plus) { plus = true; continue; }
            if (char.IsAsciiDigit(c))
            {
                if (length == buffer.Length) return None;
                buffer[length++] = c;
            }
            else if (char.IsLetter(c)) return None;
        }
        var digits = buffer[..length];

        // 2. "00" is the international prefix.
        if (!plus && digits.StartsWith("00")) { plus = true; digits = digits[2..]; }

        if (plus)
        {
            if (!digits.StartsWith("39")) return Foreign(digits);
            digits = digits[2..];
        }
        // 3. "39" + mobile written without the plus (11–12 digits).
        else if (digits.Length is 11 or 12 && digits.StartsWith("39") && digits[2] == '3')
        {
            digits = digits[2..];
        }
        return Italian(digits);
    }

    /// <summary>
    /// A national number of +39 (Italy and the Vatican), classified by libphonenumber; built directly from the digits,
    /// since the cleaning already found the country code (libphonenumber's own parse of "+39…" gives the same number,
    /// which the tests check). A number it does not know (no such area code, e.g. a mobile with a wrongly added leading
    /// 0) keeps our shape rule: one leading 0 and 6–11 digits is a landline, which nothing dials automatically.
    /// </summary>
    static PhoneNumber Italian(ReadOnlySpan<char> national)
    {
        // libphonenumber's possible lengths for +39 are 6–12; shorter or longer is nothing it would accept.
        if (national.Length is < 6 or > 12) return None;
        // The fast path: libphonenumber's patterns for a mobile and a landline; E.164 is "+39" and the national
        // significant number, leading zero included (what its Format gives, which the tests check).
        if (ItalianPlan.Mobile.IsMatch(national)) return new PhoneNumber(string.Concat("+39", national), PhoneKind.ItalianMobile);
        if (ItalianPlan.FixedLine.IsMatch(national)) return new PhoneNumber(string.Concat("+39", national), PhoneKind.Landline);

        // Anything else is typed by libphonenumber itself (the cleaning left only digits: 12 fit in a ulong).
        var value = ulong.Parse(national, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
        var zeros = 0;
        while (zeros < national.Length - 1 && national[zeros] == '0') zeros++;
        var builder = new LibPhoneNumber.Builder().SetCountryCode(ItalyCode).SetNationalNumber(value);
        if (zeros > 0) builder.SetNumberOfLeadingZeros(zeros);
        var number = builder.Build();
        return Util.GetNumberType(number) switch
        {
            // Not a number libphonenumber knows: only the landline shape survives (never a mobile: mobiles are dialled).
            PhoneNumberType.UNKNOWN when zeros == 1 && national.Length <= 11 => new PhoneNumber(Util.Format(number, PhoneNumberFormat.E164), PhoneKind.Landline),
            // Toll-free, premium, shared cost, personal, VoIP, voicemail, UAN: not a person's own number.
            _ => None,
        };
    }

    /// <summary>
    /// libphonenumber's own patterns for what nearly every +39 number is: an Italian mobile, or an Italian or Vatican
    /// landline; compiled once. Its <c>GetNumberType</c> tries each of ten patterns twice (once to tell Italy from the
    /// Vatican, once for the type), about 2 µs a number, which made the import's parse 1.6 times slower; these two
    /// take 0.2–0.4 µs (docs/phone-numbers.md, Performance). A number neither takes goes through
    /// <c>GetNumberType</c>. For +39 the other types (toll-free, premium, VoIP…) start with other digits or have other
    /// lengths, so the order does not matter; PhoneNumberComparisonTests checks that both ways give the same kind on
    /// every number of its corpus.
    /// </summary>
    static class ItalianPlan
    {
        public static readonly Regex Mobile = FullMatch(Util.GetMetadataForRegion("IT").Mobile);
        public static readonly Regex FixedLine = FullMatch(Util.GetMetadataForRegion("IT").FixedLine, Util.GetMetadataForRegion("VA").FixedLine);

        static Regex FullMatch(params PhoneNumberDesc[] descs) =>
            new("^(?:" + string.Join('|', descs.Select(d => d.NationalNumberPattern)) + ")$",
                RegexOptions.Compiled | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);
    }

    /// <summary>
    /// A number after '+' or '00' with a country code other than 39. libphonenumber splits the country code and drops a
    /// trunk prefix written after it (<c>+44 07911…</c> is <c>+447911…</c>). It must be a possible number of a known
    /// country (one of its lengths, area code included); full validity is not required, as libphonenumber's ranges
    /// abroad can lag a new series and foreign numbers are never dialled automatically.
    /// </summary>
    static PhoneNumber Foreign(ReadOnlySpan<char> digits)
    {
        // E.164: 7–15 digits with the country code, which does not start with 0 and has 1–3 digits.
        if (digits.Length is < 7 or > 15 || digits[0] == '0' || !HasKnownCountryCode(digits)) return None;
        LibPhoneNumber number;
        try
        {
            number = Util.Parse(string.Concat("+", digits), null);
        }
        catch (NumberParseException)
        {
            // Not expected after the checks above (known country code, 7–15 digits); kept because the library throws.
            return None;
        }
        // IS_POSSIBLE_LOCAL_ONLY (a number without its area code) is not dialable from Italy.
        if (Util.IsPossibleNumberWithReason(number) != PhoneNumberUtil.ValidationResult.IS_POSSIBLE) return None;
        return new PhoneNumber(Util.Format(number, PhoneNumberFormat.E164), PhoneKind.Foreign);
    }

    /// <summary>The check libphonenumber's parse makes first (1, 2, then 3 leading digits), without its exception.</summary>
    static bool HasKnownCountryCode(ReadOnlySpan<char> digits)
    {
        var code = 0;
        for (var i = 0; i < 3; i++)
        {
            code = code * 10 + (digits[i] - '0');
            if (Util.GetRegionCodesForCountryCode(code).Count > 0) return true;
        }
        return false;
    }
}
