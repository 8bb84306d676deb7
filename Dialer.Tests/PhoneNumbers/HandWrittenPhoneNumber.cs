using Dialer.Core.PhoneNumbers;

namespace Dialer.Tests.PhoneNumbers;

/// <summary>
/// The hand-written classifier Dialer used before libphonenumber (Dialer.Core/PhoneNumbers/PhoneNumber.cs at 42aa7e7),
/// kept verbatim but for its name and its E.164 check (Core's is the one check) so that
/// <see cref="PhoneNumberComparisonTests"/> can list every number libphonenumber classifies differently.
/// </summary>
static class HandWrittenPhoneNumber
{
    static readonly PhoneNumber None = PhoneNumber.None;

    /// <summary>
    /// Cleans a number written any of the ways CO extensions and contact lists write them (<c>+39 347 1234567</c>,
    /// <c>0039…</c>, <c>39347…</c>, <c>347/1234567</c>, <c>347-123.4567</c>, two numbers in one field) and classifies it.
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
            if (!digits.StartsWith("39"))
                return digits.Length is >= 8 and <= 15 && digits[0] != '0' ? new PhoneNumber("+" + digits.ToString(), PhoneKind.Foreign) : None;
            digits = digits[2..];
        }
        // 3. "39" + mobile written without the plus (11–12 digits).
        else if (digits.Length is 11 or 12 && digits.StartsWith("39") && digits[2] == '3')
        {
            digits = digits[2..];
        }

        var national = digits.ToString();
        // 4. Italian mobiles: 3[2-9] + 7–8 digits, or 31/43 + 8 digits (libphonenumber IT metadata).
        if (IsItalianMobile(national)) return new PhoneNumber("+39" + national, PhoneKind.ItalianMobile);
        // 6. Geographic numbers start with 0 and have 6–11 digits; the 0 is kept in E.164.
        if (national.Length is >= 6 and <= 11 && national[0] == '0') return new PhoneNumber("+39" + national, PhoneKind.Landline);
        return None;
    }

    static bool IsItalianMobile(string n) =>
        n.Length switch
        {
            9 or 10 when n[0] == '3' && n[1] is >= '2' and <= '9' => true,
            10 when n.StartsWith("31", StringComparison.Ordinal) || n.StartsWith("43", StringComparison.Ordinal) => true,
            _ => false,
        };
}
