using Dialer.Core.Telephony;

namespace Dialer.Tests.Telephony.Emulator;

/// <summary>The official vectors of twilio.md §3.4, from Twilio's own helper libraries' tests.</summary>
public sealed class TwilioSignatureTests
{
    const string Token = "12345";
    const string Base = "https://mycompany.com/myapp.php?foo=1&bar=2";

    static readonly KeyValuePair<string, string>[] P =
    [
        new("CallSid", "CA1234567890ABCDE"), new("Caller", "+14158675309"), new("Digits", "1234"), new("From", "+14158675309"), new("To", "+18005551212"),
    ];

    [TestCase(Base, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")]
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
    public void Computes_the_official_vectors_over_the_parameter_set(string url, string expected)
    {
        Assert.Multiple(() =>
        {
            Assert.That(TwilioSignature.Compute(Token, url, P), Is.EqualTo(expected));
            Assert.That(TwilioSignature.IsValid(Token, url, P, expected), Is.True);
        });
    }

    [TestCase(Base + "&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620", "a9nBmqA0ju/hNViExpshrM61xv4=")]
    [TestCase("https://mycompany.com/myapp.php?bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620", "y77kIzt2vzLz71DgmJGsen2scGs=")]
    public void Json_body_vectors_sign_the_url_alone(string url, string expected) =>
        Assert.That(TwilioSignature.Compute(Token, url, []), Is.EqualTo(expected));

    [Test]
    public void Validation_accepts_the_port_added_variant_and_the_port_stripped_one()
    {
        Assert.Multiple(() =>
        {
            Assert.That(TwilioSignature.IsValid(Token, Base + "&bodySHA256=44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", [],
                "Ldidvp12m26NI7eqEvxnEpkd9Hc="), Is.True, "vector 20: signed with :443 added");
            Assert.That(TwilioSignature.IsValid(Token, "https://mycompany.com:1234/myapp.php?foo=1&bar=2", P, "RSOYDt4T1cUTdK1PDd93/VVr8B8="), Is.True,
                "vector 5 also validates against vector 1 with the port stripped");
        });
    }

    [Test]
    public void Repeated_keys_sort_their_values_and_count_identical_pairs_once()
    {
        KeyValuePair<string, string>[] twice = [new("Sid", "CA123"), new("SidAccount", "AC123"), new("Digits", "5678"), new("Digits", "1234")];
        KeyValuePair<string, string>[] thrice = [.. twice, new("Digits", "1234")];
        KeyValuePair<string, string>[] binding = [new("MessagingBinding.Address", "+1415xxxxxxx"), new("MessagingBinding.Address", "+1325xxxxxxx")];

        Assert.Multiple(() =>
        {
            Assert.That(TwilioSignature.Compute(Token, Base, twice), Is.EqualTo("IK+Dwps556ElfBT0I3Rgjkr1wJU="));
            Assert.That(TwilioSignature.Compute(Token, Base, thrice), Is.EqualTo("IK+Dwps556ElfBT0I3Rgjkr1wJU="));
            Assert.That(TwilioSignature.Compute(Token, Base, binding), Is.EqualTo("83O6e2vORAoJHUNzJjDWN1jz+BA="));
        });
    }

    [Test]
    public void Derived_status_callback_vector_needs_the_ordinal_sort()
    {
        KeyValuePair<string, string>[] callback =
        [
            new("AccountSid", "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), new("ApiVersion", "2010-04-01"), new("CallSid", "CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
            new("CallStatus", "completed"), new("CallDuration", "42"), new("Duration", "1"), new("Direction", "outbound-api"),
            new("From", "+390212345678"), new("To", "+393331234567"), new("Called", "+393331234567"), new("Caller", "+390212345678"),
            new("SequenceNumber", "3"), new("CallbackSource", "call-progress-events"), new("Timestamp", "Mon, 02 Jun 2025 10:15:30 +0000"),
            new("SipResponseCode", "200"),
        ];

        Assert.That(TwilioSignature.Compute(Token, "https://example.com/twilio/status", callback), Is.EqualTo("O8Oa/8iO1vTeD7l63P4jT3KmUQQ="));
    }

    [Test]
    public void Wrong_missing_or_mismatched_signatures_are_rejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(TwilioSignature.IsValid(Token, Base, P, "NOTRSOYDt4T1cUTdK1PDd93/VVr8B8="), Is.False);
            Assert.That(TwilioSignature.IsValid(Token, Base, P, null), Is.False);
            Assert.That(TwilioSignature.IsValid(Token, Base, P, ""), Is.False);
            Assert.That(TwilioSignature.IsValid("54321", Base, P, "RSOYDt4T1cUTdK1PDd93/VVr8B8="), Is.False);
            Assert.That(TwilioSignature.IsValid(Token, Base + "&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620", [],
                "RSOYDt4T1cUTdK1PDd93/VVr8B8="), Is.False);
            Assert.That(TwilioSignature.IsValid(Token, "https://example.com/path?test=param2", [],
                TwilioSignature.Compute(Token, "https://example.com/path?test=param", [])), Is.False);
        });
    }
}
