namespace Dialer.Core.Notices;

/// <summary>
/// A code of at most 16 ASCII letters and digits (a codice comunicazione, a codice fiscale) as a 96-bit number, 6 bits
/// a character, ordered as the strings are by code point ('0'–'9' before 'A'–'Z' before 'a'–'z', a code before its
/// longer extensions). Kept and compared instead of the string where millions are held at once: no object each, and
/// hashing and comparing are a few instructions.
/// </summary>
public static class CodeKey
{
    const int Length = 16;

    public static bool TryPack(string code, out UInt128 key)
    {
        key = 0;
        if (code.Length > Length) return false;
        for (var i = 0; i < Length; i++)
        {
            uint digit = 0;
            if (i < code.Length)
            {
                digit = code[i] switch
                {
                    >= '0' and <= '9' and var c => (uint)(c - '0' + 1),
                    >= 'A' and <= 'Z' and var c => (uint)(c - 'A' + 11),
                    >= 'a' and <= 'z' and var c => (uint)(c - 'a' + 37),
                    _ => 0,
                };
                if (digit == 0) return false;
            }
            key = (key << 6) | digit;
        }
        return true;
    }

    /// <summary>The key of a code known to pack (validated codes and codici fiscali all do).</summary>
    public static UInt128 Pack(string code) =>
        TryPack(code, out var key) ? key : throw new ArgumentException("not a code of at most 16 ASCII letters and digits", nameof(code));

    public static string Unpack(UInt128 key)
    {
        Span<char> chars = stackalloc char[Length];
        var n = 0;
        for (var i = Length - 1; i >= 0; i--)
        {
            var digit = (uint)(key >> (6 * i)) & 63;
            if (digit == 0) break;
            chars[n++] = digit switch
            {
                <= 10 => (char)('0' + digit - 1),
                <= 36 => (char)('A' + digit - 11),
                _ => (char)('a' + digit - 37),
            };
        }
        return new string(chars[..n]);
    }
}
