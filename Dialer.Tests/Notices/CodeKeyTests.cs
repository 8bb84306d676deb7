using Dialer.Core.Notices;

namespace Dialer.Tests.Notices;

public sealed class CodeKeyTests
{
    [Test]
    public void Keys_round_trip_and_order_as_the_codes_do_by_code_point()
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        var random = new Random(5);
        var codes = Enumerable.Range(0, 2000)
            .Select(i => new string(Enumerable.Range(0, i % 3 == 0 ? 11 : 16).Select(_ => alphabet[random.Next(i % 2 == 0 ? 10 : alphabet.Length)]).ToArray()))
            .Concat(["0", "9", "A", "z", "12345678901", "1234567890100000", "zzzzzzzzzzzzzzzz"])
            .ToList();

        var byKey = codes.OrderBy(CodeKey.Pack).ToList();
        var byCodePoint = codes.OrderBy(c => c, StringComparer.Ordinal).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(codes.Select(c => CodeKey.Unpack(CodeKey.Pack(c))), Is.EqualTo(codes));
            Assert.That(byKey, Is.EqualTo(byCodePoint));
        });
    }

    [TestCase("0300024-00000001")]
    [TestCase("03000240000000012")]
    [TestCase("RSSGLI88D52F205À")]
    public void A_code_that_is_not_16_ASCII_letters_or_digits_does_not_pack(string code) =>
        Assert.That(CodeKey.TryPack(code, out _), Is.False);
}
