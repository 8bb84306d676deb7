namespace Dialer.Core.Notices;

/// <summary>
/// The Italian tax code: 16 characters for people (with omocodia variants and a check character), or the
/// 11-digit provisional code given to some foreign nationals until their definitive one (docs/domain.md §2.1).
/// </summary>
public static class CodiceFiscale
{
    const string MonthLetters = "ABCDEHLMPRST";
    // Omocodia replaces digits, from the right, with these letters (0→L … 9→V).
    const string OmocodiaLetters = "LMNPQRSTUV";
    static readonly int[] OddValues =
        [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
    // Positions (0-based) that hold digits, or omocodia letters in their place.
    static readonly int[] DigitPositions = [6, 7, 9, 10, 12, 13, 14];

    /// <summary>Upper case, with spaces and other separators removed.</summary>
    public static string Normalise(string raw)
    {
        Span<char> buffer = stackalloc char[Math.Min(raw.Length, 64)];
        var n = 0;
        foreach (var c in raw)
        {
            if (char.IsAsciiLetterOrDigit(c) && n < buffer.Length) buffer[n++] = char.ToUpperInvariant(c);
        }
        return new string(buffer[..n]);
    }

    public static bool IsProvisional(string cf) => cf.Length == 11;

    /// <summary>What <see cref="Check"/> says of a code whose only defect is its check character (or digit).</summary>
    public const string CheckCharacterMismatch = "the check character does not match", CheckDigitMismatch = "the check digit does not match";

    /// <summary>Null when valid; otherwise why not (in English, for the quarantine message).</summary>
    public static string? Check(string cf) => cf.Length switch
    {
        16 => CheckPersonal(cf),
        11 => CheckNumeric(cf),
        0 => "missing",
        _ => $"has {cf.Length} characters; expected 16, or 11 digits for a provisional code",
    };

    static string? CheckPersonal(string cf)
    {
        for (var i = 0; i < 6; i++)
            if (!char.IsAsciiLetterUpper(cf[i])) return "characters 1–6 must be letters";
        foreach (var i in DigitPositions)
            if (!char.IsAsciiDigit(cf[i]) && !OmocodiaLetters.Contains(cf[i])) return $"character {i + 1} must be a digit (or an omocodia letter)";
        if (!MonthLetters.Contains(cf[8])) return "character 9 is not a month letter";
        if (!char.IsAsciiLetterUpper(cf[11])) return "character 12 must be a letter";
        var day = DigitValue(cf[9]) * 10 + DigitValue(cf[10]);
        if (day is < 1 or > 71 || day is > 31 and < 41) return "the birth day is impossible";
        if (CheckCharacter(cf.AsSpan(0, 15)) != cf[15]) return CheckCharacterMismatch;
        return null;
    }

    /// <summary>The 11-digit code's last digit is a Luhn-style check digit (the partita IVA algorithm).</summary>
    static string? CheckNumeric(string cf)
    {
        foreach (var c in cf) if (!char.IsAsciiDigit(c)) return "an 11-character code must be all digits";
        return NumericCheckDigit(cf.AsSpan(0, 10)) == cf[10] ? null : CheckDigitMismatch;
    }

    public static char CheckCharacter(ReadOnlySpan<char> first15)
    {
        var sum = 0;
        for (var i = 0; i < 15; i++)
        {
            var c = first15[i];
            var index = char.IsAsciiDigit(c) ? c - '0' : c - 'A';
            // Positions 1, 3, 5… (1-based, i.e. even 0-based) use the "odd" table; digits count as A=0, B=1….
            sum += i % 2 == 0 ? OddValues[index] : index;
        }
        return (char)('A' + sum % 26);
    }

    public static char NumericCheckDigit(ReadOnlySpan<char> first10)
    {
        var sum = 0;
        for (var i = 0; i < 10; i++)
        {
            var d = first10[i] - '0';
            if (i % 2 == 1) { d *= 2; if (d > 9) d -= 9; }
            sum += d;
        }
        return (char)('0' + (10 - sum % 10) % 10);
    }

    /// <summary>Sex, birth date and birth place (Belfiore code) of a valid 16-character code.</summary>
    /// <remarks>Two-digit years are placed in the century that makes the person born before <paramref name="reference"/>.</remarks>
    public static (char Sex, DateOnly? BirthDate, string BirthPlace) Decode(string cf, DateOnly reference)
    {
        var yy = DigitValue(cf[6]) * 10 + DigitValue(cf[7]);
        var month = MonthLetters.IndexOf(cf[8]) + 1;
        var day = DigitValue(cf[9]) * 10 + DigitValue(cf[10]);
        var sex = day > 40 ? 'F' : 'M';
        if (day > 40) day -= 40;
        var year = 2000 + yy > reference.Year ? 1900 + yy : 2000 + yy;
        DateOnly? birth = day <= DateTime.DaysInMonth(year, month) ? new DateOnly(year, month, day) : null;
        var place = string.Concat(cf[11], DigitValue(cf[12]), DigitValue(cf[13]), DigitValue(cf[14]));
        return (sex, birth, place);
    }

    static int DigitValue(char c) => char.IsAsciiDigit(c) ? c - '0' : OmocodiaLetters.IndexOf(c);

    /// <summary>Builds a valid code (used by the synthetic data generator and tests).</summary>
    public static string Compose(string surname, string name, char sex, DateOnly birth, string birthPlace)
    {
        var head = string.Concat(SurnamePart(surname), NamePart(name), (birth.Year % 100).ToString("00", System.Globalization.CultureInfo.InvariantCulture),
            MonthLetters[birth.Month - 1].ToString(), (birth.Day + (sex == 'F' ? 40 : 0)).ToString("00", System.Globalization.CultureInfo.InvariantCulture), birthPlace);
        return head + CheckCharacter(head);
    }

    static string SurnamePart(string s) => Pad(Consonants(s) + Vowels(s));

    static string NamePart(string s)
    {
        var consonants = Consonants(s);
        return consonants.Length >= 4 ? string.Concat(consonants[0], consonants[2], consonants[3]) : Pad(consonants + Vowels(s));
    }

    static string Consonants(string s) => new(s.ToUpperInvariant().Where(c => char.IsAsciiLetterUpper(c) && !"AEIOU".Contains(c)).ToArray());

    static string Vowels(string s) => new(s.ToUpperInvariant().Where(c => "AEIOU".Contains(c)).ToArray());

    static string Pad(string s) => (s + "XXX")[..3];
}
