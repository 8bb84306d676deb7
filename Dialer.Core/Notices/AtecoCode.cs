namespace Dialer.Core.Notices;

/// <summary>
/// An employer's sector as an ATECO code (ISTAT's classification of economic activities, e.g. 56.10.11 for
/// restaurants): two digits (the division), then optionally a group digit, a class digit, a category digit and a
/// subcategory digit, written NN, NN.N, NN.NN, NN.NN.N or NN.NN.NN (docs/notices-input.md). Only the shape is checked:
/// the national table is not shipped.
/// </summary>
public static class AtecoCode
{
    /// <summary>
    /// The code in its dotted form, or null when <paramref name="value"/> (already trimmed) is not one. The dotted forms
    /// are kept as they are (the same string); a code written without dots (561011, as some exports do) gets them.
    /// </summary>
    public static string? Normalise(string value)
    {
        var s = value.AsSpan();
        var dotted = s.Length switch
        {
            2 => Digits(s),
            4 => Digits(s[..2]) && s[2] == '.' && Digits(s[3..]),
            5 => Digits(s[..2]) && s[2] == '.' && Digits(s[3..]),
            7 => Digits(s[..2]) && s[2] == '.' && Digits(s[3..5]) && s[5] == '.' && Digits(s[6..]),
            8 => Digits(s[..2]) && s[2] == '.' && Digits(s[3..5]) && s[5] == '.' && Digits(s[6..]),
            _ => false,
        };
        if (dotted) return value;
        if (s.Length is < 3 or > 6 || !Digits(s)) return null;
        // 561 -> 56.1, 5610 -> 56.10, 56101 -> 56.10.1, 561011 -> 56.10.11
        return s.Length <= 4 ? $"{s[..2]}.{s[2..]}" : $"{s[..2]}.{s[2..4]}.{s[4..]}";
    }

    static bool Digits(ReadOnlySpan<char> s) => !s.ContainsAnyExceptInRange('0', '9');
}
