using System.Xml.Linq;
using Dialer.Core.Telephony;

namespace Dialer.Tests.Telephony;

/// <summary>The TwiML our webhooks answer with, read back as XML: the verbs, attributes and text Twilio acts on.</summary>
public sealed class TwimlResponsesTests
{
    static readonly Uri Action = new("https://dialer.example.it/twilio/voice/dial-result?attempt=a1");
    static readonly Uri Status = new("https://dialer.example.it/twilio/voice/status?attempt=a1");

    [Test]
    public void Connect_to_a_phone_operator_dials_a_number_with_callbacks()
    {
        var xml = TwimlResponses.Connect("+390212345679", Action, Status, "+390212345678", TimeSpan.FromSeconds(20));

        var dial = XDocument.Parse(xml).Root!.Element("Dial")!;
        var number = dial.Element("Number")!;
        Assert.Multiple(() =>
        {
            Assert.That(xml, Does.StartWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
            Assert.That(dial.Attribute("timeout")!.Value, Is.EqualTo("20"));
            Assert.That(dial.Attribute("method")!.Value, Is.EqualTo("POST"));
            Assert.That(dial.Attribute("answerOnBridge")!.Value, Is.EqualTo("true"));
            Assert.That(number.Value, Is.EqualTo("+390212345679"));
            Assert.That(number.Attribute("statusCallbackMethod")!.Value, Is.EqualTo("POST"));
            Assert.That(number.Attribute("statusCallback")!.Value, Is.EqualTo(Status.AbsoluteUri));
            Assert.That(number.Attribute("statusCallbackEvent")!.Value, Is.EqualTo("initiated ringing answered completed"));
            Assert.That(dial.Element("Client"), Is.Null);
        });
    }

    [Test]
    public void Connect_to_a_browser_operator_dials_the_client_identity_after_an_italian_greeting()
    {
        var xml = TwimlResponses.Connect("client:mario.rossi", Action, Status, "+390212345678", TimeSpan.FromSeconds(20));

        var root = XDocument.Parse(xml).Root!;
        var dial = root.Element("Dial")!;
        var client = dial.Element("Client")!;
        Assert.Multiple(() =>
        {
            Assert.That(root.Elements().Select(e => e.Name.LocalName), Is.EqualTo(new[] { "Say", "Dial" }));
            Assert.That(root.Element("Say")!.Attribute("language")!.Value, Is.EqualTo("it-IT"));
            Assert.That(root.Element("Say")!.Attribute("voice")!.Value, Is.EqualTo("Polly.Bianca"));
            Assert.That(dial.Attribute("action")!.Value, Is.EqualTo(Action.AbsoluteUri));
            Assert.That(dial.Attribute("callerId")!.Value, Is.EqualTo("+390212345678"));
            Assert.That(client.Value, Is.EqualTo("mario.rossi"));
            Assert.That(client.Attribute("statusCallbackEvent")!.Value, Is.EqualTo("initiated ringing answered completed"));
            Assert.That(client.Attribute("statusCallback")!.Value, Is.EqualTo(Status.AbsoluteUri));
            Assert.That(dial.Element("Number"), Is.Null);
        });
    }

    [Test]
    public void Values_are_escaped_by_the_writer()
    {
        var xml = TwimlResponses.Unavailable("Centro <Lavoro> & Formazione \"Est\"", "+390212345678");

        Assert.Multiple(() =>
        {
            Assert.That(xml, Does.Contain("Centro &lt;Lavoro&gt; &amp; Formazione \"Est\""));
            Assert.That(XDocument.Parse(xml).Root!.Element("Say")!.Value, Does.Contain("Centro <Lavoro> & Formazione \"Est\""));
            Assert.That(XDocument.Parse(xml).Root!.Elements().Select(e => e.Name.LocalName), Is.EqualTo(new[] { "Say", "Hangup" }));
        });
    }

    [TestCase("client:op 42")]
    [TestCase("3331234567")]
    [TestCase("")]
    public void Connect_refuses_a_target_that_is_neither_a_client_nor_e164(string target)
    {
        Assert.Throws<ArgumentException>(() => TwimlResponses.Connect(target, Action, Status, "+390212345678", TimeSpan.FromSeconds(20)));
    }

    [TestCase("+390612345678", "0 6 1 2 3 4 5 6 7 8")]
    [TestCase("+393331234567", "3 3 3 1 2 3 4 5 6 7")]
    [TestCase("+41441234567", "più 4 1 4 4 1 2 3 4 5 6 7")]
    public void Numbers_are_read_digit_by_digit_in_national_form(string e164, string spoken)
    {
        Assert.That(TwimlResponses.SpokenDigits(e164), Is.EqualTo(spoken));
    }

    [Test]
    public void Hangup_is_the_only_verb()
    {
        var xml = TwimlResponses.Hangup();

        var root = XDocument.Parse(xml).Root!;
        Assert.Multiple(() =>
        {
            Assert.That(xml, Does.StartWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
            Assert.That(root.Name.LocalName, Is.EqualTo("Response"));
            Assert.That(root.Elements().Select(e => e.Name.LocalName), Is.EqualTo(new[] { "Hangup" }));
            Assert.That(root.Element("Hangup")!.Nodes(), Is.Empty);
        });
    }
}
