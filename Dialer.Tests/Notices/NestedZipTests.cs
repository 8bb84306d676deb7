using System.Text;
using Dialer.Core.Notices;

namespace Dialer.Tests.Notices;

public sealed class NestedZipTests
{
    [Test]
    public void A_zip_inside_a_zip_is_read_through_the_same_limits()
    {
        var good = Encoding.UTF8.GetBytes(CsvNotice.File(new CsvNotice()));
        var inner = BadFiles.Zip(("a.csv", good), ("bomb.zip", BadFiles.Bomb(16 << 20)));
        var outer = BadFiles.Zip(("inner.zip", inner));

        var records = NoticeReader.Read(new NoticeInput("outer.zip", () => new MemoryStream(outer, writable: false))).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(records.Where(r => r.Notice is not null).Select(r => r.File), Is.EqualTo(new[] { "outer.zip/inner.zip/a.csv" }));
            var bomb = records.Single(r => r.Rejection is not null);
            Assert.That((bomb.File, bomb.Rejection!.Reason), Is.EqualTo(("outer.zip/inner.zip/bomb.zip/bomb.csv", QuarantineReason.Malformed)));
            Assert.That(bomb.Rejection.Message, Does.StartWith("zip entry bomb.csv decompresses more than 200:1"));
        });
    }
}
