using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Dialer.Core.Outcomes;

/// <summary>
/// Who a campaign holds out (docs/outcomes.md "Control group"): the first 60 bits of SHA-256 of "slug:codice fiscale",
/// read as a fraction of 2^60, below the campaign's controlShare. The selection does it in SQL (control_fraction,
/// migration 0551); this is the same function, for anyone who wants to check a person's group by hand.
/// </summary>
public static class ControlGroup
{
    public static double Fraction(string slug, string personCf)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(slug + ":" + personCf));
        return (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 4) / 1152921504606846976.0;
    }

    public static bool IsHeldOut(string slug, string personCf, decimal share) => Fraction(slug, personCf) < (double)share;
}
