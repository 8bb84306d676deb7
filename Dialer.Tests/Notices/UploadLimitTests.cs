using System.Net.Http.Json;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Tests.Notices;

/// <summary>POST /api/notices refuses a body past Notices:MaxUploadBytes with 413 and a problem, over real HTTP.</summary>
public sealed class UploadLimitTests : DatabaseTest
{
    static DialerApp App() => new(settings: new Dictionary<string, string?> { ["Notices:MaxUploadBytes"] = "8192" });

    static byte[] Csv(int notices) => Encoding.UTF8.GetBytes(CsvNotice.File(Enumerable.Range(1, notices)
        .Select(i => new CsvNotice() with { Code = $"03000240{i:00000000}" }).ToArray()));

    [TestCase(false, TestName = "Upload_past_the_limit_with_a_content_length_is_413_with_a_problem")]
    [TestCase(true, TestName = "Upload_past_the_limit_sent_chunked_is_413_with_a_problem")]
    public async Task Upload_past_the_limit_is_413(bool chunked)
    {
        using var app = App();
        var bytes = Csv(100);
        Assert.That(bytes, Has.Length.GreaterThan(16_384));
        using var form = new MultipartFormDataContent
        {
            { chunked ? new StreamContent(new UnknownLength(bytes)) : new ByteArrayContent(bytes), "files", "big.csv" },
        };

        var response = await app.Admin.PostAsync("/api/notices", form);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();

        await using var conn = await Db.OpenConnectionAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(problem!.Detail, Does.Contain("8,192 bytes").And.Contain("Notices:MaxUploadBytes"));
            Assert.That(await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM notices"), Is.Zero);
        });
    }

    [Test]
    public async Task Upload_under_the_limit_is_imported()
    {
        using var app = App();
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Csv(2)), "files", "small.csv" } };

        var response = await app.Admin.PostAsync("/api/notices", form);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    /// <summary>A stream that cannot say its length, so that the client sends the form chunked, without a Content-Length.</summary>
    sealed class UnknownLength(byte[] bytes) : Stream
    {
        readonly MemoryStream inner = new(bytes);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
