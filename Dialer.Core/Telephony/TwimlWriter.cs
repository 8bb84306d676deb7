using System.Globalization;
using System.Text.RegularExpressions;
using System.Text;
using System.Xml;
using Dialer.Core.PhoneNumbers;

namespace Dialer.Core.Telephony;

/// <summary>
/// The TwiML documents the webhooks answer with (docs/twilio-reference.md §4), written with an XmlWriter so every value is
/// escaped. Element and attribute names are case-sensitive, as Twilio requires.
/// </summary>
public static partial class TwimlWriter
{
    public const string ContentType = "text/xml; charset=utf-8";
    const string Italian = "it-IT";
    const string ItalianVoice = "Polly.Bianca";

    /// <summary>
    /// Connects the answered person to the reserved operator: <c>&lt;Dial&gt;</c> to <c>client:&lt;identity&gt;</c> (a
    /// <c>&lt;Client&gt;</c>) or to an E.164 number (a <c>&lt;Number&gt;</c>), with the dial's result posted to
    /// <paramref name="action"/> and the operator leg's progress to <paramref name="statusCallback"/>.
    /// </summary>
    public static string Connect(string operatorTarget, Uri action, Uri statusCallback, string callerId, TimeSpan timeout) =>
        Write(w =>
        {
            Say(w, "Attenda, la stiamo mettendo in contatto con un operatore.");
            w.WriteStartElement("Dial");
            w.WriteAttributeString("action", action.AbsoluteUri);
            w.WriteAttributeString("method", "POST");
            w.WriteAttributeString("timeout", ((int)timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("callerId", callerId);
            // The person hears ringing until the operator picks up, not silence.
            w.WriteAttributeString("answerOnBridge", "true");
            var isClient = operatorTarget.StartsWith("client:", StringComparison.Ordinal);
            if (isClient ? !ClientIdentity().IsMatch(operatorTarget) : !PhoneNumber.IsE164(operatorTarget))
                throw new ArgumentException("The operator target must be client:<identity> or an E.164 number.", nameof(operatorTarget));
            w.WriteStartElement(isClient ? "Client" : "Number");
            // In TwiML (unlike the REST API) the events are one space-separated attribute (§4.2).
            w.WriteAttributeString("statusCallbackEvent", "initiated ringing answered completed");
            w.WriteAttributeString("statusCallback", statusCallback.AbsoluteUri);
            w.WriteAttributeString("statusCallbackMethod", "POST");
            w.WriteString(isClient ? operatorTarget["client:".Length..] : operatorTarget);
            w.WriteEndElement();
            w.WriteEndElement();
        });

    /// <summary>The Italian apology for a call that cannot be connected, naming the job centre and its call-back number, then hang up.</summary>
    public static string Unavailable(string jobCentreName, string callbackNumber) =>
        Write(w =>
        {
            var digits = SpokenDigits(callbackNumber);
            Say(w, $"Buongiorno, la chiamiamo da {jobCentreName}. Al momento non è disponibile nessun operatore. " +
                   $"Può richiamarci al numero {digits}. Ripeto: {digits}. Grazie e arrivederci.");
            w.WriteElementString("Hangup", null);
        });

    public static string Hangup() => Write(w => w.WriteElementString("Hangup", null));

    /// <summary>
    /// A number read digit by digit ("0 2 1 2 …"): Italian numbers in their national form, as people dial them
    /// (+39 06 … becomes 0 6 …); other countries with "più" for the plus.
    /// </summary>
    public static string SpokenDigits(string e164)
    {
        var national = e164.StartsWith("+39", StringComparison.Ordinal) ? e164[3..] : e164;
        var spoken = string.Join(' ', national.Where(char.IsAsciiDigit));
        return national.StartsWith('+') ? "più " + spoken : spoken;
    }

    // Twilio allows 256 characters; mobile SDKs want letters, digits and '_' (docs/twilio-reference.md §4.2).
    [GeneratedRegex("^client:[A-Za-z0-9_.@-]{1,256}$")]
    private static partial Regex ClientIdentity();

    static void Say(XmlWriter w, string text)
    {
        w.WriteStartElement("Say");
        w.WriteAttributeString("language", Italian);
        w.WriteAttributeString("voice", ItalianVoice);
        w.WriteString(text);
        w.WriteEndElement();
    }

    static string Write(Action<XmlWriter> body)
    {
        using var buffer = new MemoryStream();
        // UTF-8 without a BOM, so the declaration says utf-8 (a StringWriter would declare utf-16).
        using (var w = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false }))
        {
            w.WriteStartDocument();
            w.WriteStartElement("Response");
            body(w);
            w.WriteEndElement();
            w.WriteEndDocument();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
