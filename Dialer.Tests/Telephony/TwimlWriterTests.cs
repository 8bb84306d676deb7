using System.Xml.Linq;
using Dialer.Core.Telephony;

namespace Dialer.Tests.Telephony;

public sealed class TwimlWriterTests
{
    static readonly Uri Action = new("https://dialer.example.it/twilio/voice/dial-result?attempt=a1");
    static readonly Uri Status = new("https://dialer.example.it/twilio/voice/status?attempt=a1");

    [Test]
    public void Connect_to_a_phone_operator_dials_a_number_with_callbacks()
    {
        var xml = TwimlWriter.Connect("+390212345679", Action, Status, "+390212345678", TimeSpan.FromSeconds(20));

        var dial = XDocument.Parse(xml).Root!.Element("Dial")!;
        var number = dial.Element("Number")!;
        Assert.Multiple(() =>
        {
            Assert.That(xml, Does.StartWith("<?xml version=\"1.0\" encoding=\"utf-8\"?><Response>"));
            Assert.That(dial.Attribute("timeout")!.Value, Is.EqualTo("20"));
            Assert.That(dial.Attribute("method")!.Value, Is.EqualTo("POST"));
            Assert.That(dial.Attribute("answerOnBridge")!.Value, Is.EqualTo("true"));
            Assert.That(number.Value, Is.EqualTo("+390212345679"));
            Assert.That(number.Attribute("statusCallbackMethod")!.Value, Is.EqualTo("POST"));
            Assert.That(dial.Element("Client"), Is.Null);
        });
    }

    [Test]
    public void Values_are_escaped_by_the_writer()
    {
        var xml = TwimlWriter.Unavailable("Centro <Lavoro> & Formazione \"Est\"", "+390212345678");

        Assert.Multiple(() =>
        {
            Assert.That(xml, Does.Contain("Centro &lt;Lavoro&gt; &amp; Formazione \"Est\""));
            Assert.That(XDocument.Parse(xml).Root!.Element("Say")!.Value, Does.Contain("Centro <Lavoro> & Formazione \"Est\""));
        });
    }

    [TestCase("client:op 42")]
    [TestCase("3331234567")]
    [TestCase("")]
    public void Connect_refuses_a_target_that_is_neither_a_client_nor_e164(string target)
    {
        Assert.Throws<ArgumentException>(() => TwimlWriter.Connect(target, Action, Status, "+390212345678", TimeSpan.FromSeconds(20)));
    }

    [TestCase("+390612345678", "0 6 1 2 3 4 5 6 7 8")]
    [TestCase("+393331234567", "3 3 3 1 2 3 4 5 6 7")]
    [TestCase("+41441234567", "più 4 1 4 4 1 2 3 4 5 6 7")]
    public void Numbers_are_read_digit_by_digit_in_national_form(string e164, string spoken)
    {
        Assert.That(TwimlWriter.SpokenDigits(e164), Is.EqualTo(spoken));
    }

    [Test]
    public void Hangup_is_the_only_verb()
    {
        Assert.That(TwimlWriter.Hangup(), Is.EqualTo("<?xml version=\"1.0\" encoding=\"utf-8\"?><Response><Hangup /></Response>"));
    }
}
