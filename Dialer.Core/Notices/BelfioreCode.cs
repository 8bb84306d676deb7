namespace Dialer.Core.Notices;

/// <summary>
/// A comune's Belfiore (cadastral) code: a capital letter and three digits, e.g. F205 for Milano; foreign countries
/// are Z followed by three digits (docs/domain.md §2.1). The one check of its shape, for notices, campaigns,
/// territories and the queue alike.
/// </summary>
public static class BelfioreCode
{
    public static bool IsValid(string? value) =>
        value is { Length: 4 } && char.IsAsciiLetterUpper(value[0]) && char.IsAsciiDigit(value[1]) && char.IsAsciiDigit(value[2]) && char.IsAsciiDigit(value[3]);
}
