using System.Text;
using Dialer.Core.Telephony;
using Dialer.Worker.Telephony.Emulator;

namespace Dialer.Tests.Telephony;

/// <summary>
/// The official vectors of docs/twilio-reference.md §3.4, from Twilio's own library tests, plus our derived one: accepted by our check
/// (Twilio's RequestValidator and what we add around it), and the emulator signs them alike.
/// </summary>
public sealed class TwilioSignatureTests
{
    const string Token = "12345";
    const string BaseUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";

    static readonly KeyValuePair<string, string>[] P =
    [
        new("CallSid", "CA1234567890ABCDE"),
        new("Caller", "+14158675309"),
        new("Digits", "1234"),
        new("From", "+14158675309"),
        new("To", "+18005551212"),
    ];

    [TestCase("https://mycompany.com/myapp.php?foo=1&bar=2", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")]
    [TestCase("https://mycompany.com:443/myapp.php?foo=1&bar=2", "kvajT1Ptam85bY51eRf/AJRuM3w=")]
    [TestCase("http://mycompany.com:80/myapp.php?foo=1&bar=2", "0ZXoZLH/DfblKGATFgpif+LLRf4=")]
    [TestCase("http://mycompany.com:1234/myapp.php?foo=1&bar=2", "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=")]
    [TestCase("https://mycompany.com:1234/myapp.php?foo=1&bar=2", "CYn1h0gLBdNxDGkKJg6hYohgeD8=")]
    [TestCase("https://MyCompany.com/myapp.php?foo=1&bar=2", "g9IN/x4Cft2g517EjYvEvM/W7LU=")]
    [TestCase("https://MyCompany.com:1234/myapp.php?foo=1&bar=2", "PCqOZm8cnu/L6+u5i5fuEd+Iac4=")]
    [TestCase("http://MyCompany.com/myapp.php?foo=1&bar=2", "XY7AlKOKL6im4yWyX84gldUrtis=")]
    [TestCase("http://username:password@MyCompany.com/myapp.php?foo=1&bar=2", "PJ08CxXr7KLPjEQCTc8LkUSMwSM=")]
    [TestCase("HTTP://username:password@MyCompany.com/myapp.php?foo=1&bar=2", "hy/l8pca+LFms4cvRdv8uiP6NGc=")]
    [TestCase("http://Username:Password@MyCompany.com/myapp.php?foo=1&bar=2", "SkTSKyDJH9kUlhItI0slbgZ1UsI=")]
    [TestCase("https://user:pass@mycompany.com/myapp.php?foo=1&bar=2", "CukzLTc1tT5dXEDIHm/tKBanW10=")]
    [TestCase("https://user@mycompany.com/myapp.php?foo=1&bar=2", "2YRLlVAflCqxaNicjMpJcSTgzSs=")]
    [TestCase("https://user:pass@mycompany.com:443/myapp.php?foo=1&bar=2", "ZQFR1PTIZXF2MXB8ZnKCvnnA+rI=")]
    [TestCase("https://mycompany.com/myapp.php?foo=1&bar=2&Body=It%27s+amazing", "TfZzewPq8wqrGlMfyAud8+/IvJ0=")]
    public void Official_vector_is_computed_and_accepted(string url, string expected)
    {
        Assert.Multiple(() =>
        {
            Assert.That(WebhookSignature.Compute(Token, url, P), Is.EqualTo(expected));
            Assert.That(TwilioSignature.IsValid(Token, url, P, expected), Is.True);
        });
    }

    [TestCase("https://mycompany.com/myapp.php?foo=1&bar=2", "kvajT1Ptam85bY51eRf/AJRuM3w=", Description = "vector 2 received without :443")]
    [TestCase("http://mycompany.com/myapp.php?foo=1&bar=2", "0ZXoZLH/DfblKGATFgpif+LLRf4=", Description = "vector 3 received without :80")]
    [TestCase("https://mycompany.com:1234/myapp.php?foo=1&bar=2", "RSOYDt4T1cUTdK1PDd93/VVr8B8=", Description = "vector 5: port stripped")]
    [TestCase("https://user:pass@mycompany.com/myapp.php?foo=1&bar=2", "ZQFR1PTIZXF2MXB8ZnKCvnnA+rI=", Description = "vector 14: credentials, port added")]
    [TestCase("https://mycompany.com/myapp.php?foo=1&bar=2&Body=It's+amazing", "TfZzewPq8wqrGlMfyAud8+/IvJ0=", Description = "vector 15: legacy %27")]
    public void Signature_over_the_other_port_variant_is_accepted(string receivedUrl, string signature)
    {
        Assert.That(TwilioSignature.IsValid(Token, receivedUrl, P, signature), Is.True);
    }

    [Test]
    public void Repeated_key_values_are_sorted_whatever_their_order()
    {
        KeyValuePair<string, string>[] oneWay = [new("MessagingBinding.Address", "+1325xxxxxxx"), new("MessagingBinding.Address", "+1415xxxxxxx")];
        KeyValuePair<string, string>[] otherWay = [oneWay[1], oneWay[0]];

        Assert.Multiple(() =>
        {
            Assert.That(TwilioSignature.IsValid(Token, BaseUrl, oneWay, "83O6e2vORAoJHUNzJjDWN1jz+BA="), Is.True);
            Assert.That(TwilioSignature.IsValid(Token, BaseUrl, otherWay, "83O6e2vORAoJHUNzJjDWN1jz+BA="), Is.True);
            Assert.That(WebhookSignature.Compute(Token, BaseUrl, otherWay), Is.EqualTo("83O6e2vORAoJHUNzJjDWN1jz+BA="));
        });
    }

    [Test]
    public void Duplicated_key_values_count_once()
    {
        KeyValuePair<string, string>[] pairs = [new("Sid", "CA123"), new("SidAccount", "AC123"), new("Digits", "5678"), new("Digits", "1234")];
        KeyValuePair<string, string>[] withDuplicate = [.. pairs, new("Digits", "1234")];

        Assert.Multiple(() =>
        {
            Assert.That(TwilioSignature.IsValid(Token, BaseUrl, pairs, "IK+Dwps556ElfBT0I3Rgjkr1wJU="), Is.True);
            Assert.That(TwilioSignature.IsValid(Token, BaseUrl, withDuplicate, "IK+Dwps556ElfBT0I3Rgjkr1wJU="), Is.True);
        });
    }

    [TestCase("https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620",
        """{"property": "value", "boolean": true}""", "a9nBmqA0ju/hNViExpshrM61xv4=")]
    [TestCase("https://mycompany.com/myapp.php?bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620",
        """{"property": "value", "boolean": true}""", "y77kIzt2vzLz71DgmJGsen2scGs=")]
    [TestCase("https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
        "{}", "Ldidvp12m26NI7eqEvxnEpkd9Hc=", Description = "vector 20: signed with :443, received without")]
    public void Json_body_vector_is_accepted(string url, string body, string signature)
    {
        Assert.That(TwilioSignature.IsValidJsonBody(Token, url, Encoding.UTF8.GetBytes(body), signature), Is.True);
    }

    [Test]
    public void Json_body_that_does_not_match_its_hash_is_refused()
    {
        const string url = "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";

        Assert.That(TwilioSignature.IsValidJsonBody(Token, url, Encoding.UTF8.GetBytes("""{"property": "other"}"""), "a9nBmqA0ju/hNViExpshrM61xv4="), Is.False);
    }

    [Test]
    public void Negative_vectors_are_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(TwilioSignature.IsValid(Token, BaseUrl, P, "NOTRSOYDt4T1cUTdK1PDd93/VVr8B8="), Is.False);
            Assert.That(TwilioSignature.IsValidJsonBody(Token, BaseUrl, "{}"u8, "RSOYDt4T1cUTdK1PDd93/VVr8B8="), Is.False);
            var forParam = WebhookSignature.Compute(Token, "https://example.com/path?test=param", []);
            Assert.That(TwilioSignature.IsValid(Token, "https://example.com/path?test=param2", [], forParam), Is.False);
            Assert.That(TwilioSignature.IsValid(Token, BaseUrl, P, null), Is.False);
            Assert.That(TwilioSignature.IsValid(Token, BaseUrl, P, ""), Is.False);
            Assert.That(TwilioSignature.IsValid("54321", BaseUrl, P, "RSOYDt4T1cUTdK1PDd93/VVr8B8="), Is.False);
        });
    }

    [Test]
    public void Derived_status_callback_vector_depends_on_ordinal_key_order()
    {
        KeyValuePair<string, string>[] callback =
        [
            new("AccountSid", "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            new("ApiVersion", "2010-04-01"),
            new("CallSid", "CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
            new("CallStatus", "completed"),
            new("CallDuration", "42"),
            new("Duration", "1"),
            new("Direction", "outbound-api"),
            new("From", "+390212345678"),
            new("To", "+393331234567"),
            new("Called", "+393331234567"),
            new("Caller", "+390212345678"),
            new("SequenceNumber", "3"),
            new("CallbackSource", "call-progress-events"),
            new("Timestamp", "Mon, 02 Jun 2025 10:15:30 +0000"),
            new("SipResponseCode", "200"),
        ];

        Assert.Multiple(() =>
        {
            Assert.That(TwilioSignature.IsValid(Token, "https://example.com/twilio/status", callback, "O8Oa/8iO1vTeD7l63P4jT3KmUQQ="), Is.True);
            Assert.That(WebhookSignature.Compute(Token, "https://example.com/twilio/status", callback), Is.EqualTo("O8Oa/8iO1vTeD7l63P4jT3KmUQQ="));
        });
    }
}
