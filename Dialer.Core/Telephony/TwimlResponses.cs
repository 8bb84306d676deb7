using System.Text.RegularExpressions;
using System.Xml.Linq;
using Dialer.Core.PhoneNumbers;
using Twilio.TwiML;
using Twilio.TwiML.Voice;
using SdkHttpMethod = Twilio.Http.HttpMethod;

namespace Dialer.Core.Telephony;

/// <summary>
/// The TwiML documents the webhooks answer with (docs/twilio-reference.md §4), built with the SDK's <c>VoiceResponse</c>, which escapes
/// every value and spells the verbs and attributes as Twilio requires. What is ours: the Italian wording, the checks on the operator
/// target, and reading a number out digit by digit.
/// </summary>
public static partial class TwimlResponses
{
    public const string ContentType = "text/xml; charset=utf-8";
    const string Italian = "it-IT";
    const string ItalianVoice = "Polly.Bianca";

    /// <summary>
    /// Connects the answered person to the reserved operator: <c>&lt;Dial&gt;</c> to <c>client:&lt;identity&gt;</c> (a
    /// <c>&lt;Client&gt;</c>) or to an E.164 number (a <c>&lt;Number&gt;</c>), with the dial's result posted to
    /// <paramref name="action"/> and the operator leg's progress to <paramref name="statusCallback"/>.
    /// </summary>
    public static string Connect(string operatorTarget, Uri action, Uri statusCallback, string callerId, TimeSpan timeout)
    {
        var isClient = operatorTarget.StartsWith("client:", StringComparison.Ordinal);
        if (isClient ? !ClientIdentity().IsMatch(operatorTarget) : !PhoneNumber.IsE164(operatorTarget))
            throw new ArgumentException("The operator target must be client:<identity> or an E.164 number.", nameof(operatorTarget));

        var response = Say(new VoiceResponse(), "Attenda, la stiamo mettendo in contatto con un operatore.");
        // answerOnBridge: the person hears ringing until the operator picks up, not silence.
        var dial = new Dial(action: action, method: SdkHttpMethod.Post, timeout: (int)timeout.TotalSeconds, callerId: callerId, answerOnBridge: true);
        // In TwiML (unlike the REST API) the events are one space-separated attribute (§4.2); the SDK writes them so.
        if (isClient)
            dial.Client(operatorTarget["client:".Length..], statusCallbackEvent: [Client.EventEnum.Initiated, Client.EventEnum.Ringing,
                Client.EventEnum.Answered, Client.EventEnum.Completed], statusCallback: statusCallback, statusCallbackMethod: SdkHttpMethod.Post);
        else
            dial.Number(new Twilio.Types.PhoneNumber(operatorTarget), statusCallbackEvent: [Number.EventEnum.Initiated, Number.EventEnum.Ringing,
                Number.EventEnum.Answered, Number.EventEnum.Completed], statusCallback: statusCallback, statusCallbackMethod: SdkHttpMethod.Post);
        return Write(response.Append(dial));
    }

    /// <summary>The Italian apology for a call that cannot be connected, naming the job centre and its call-back number, then hang up.</summary>
    public static string Unavailable(string jobCentreName, string callbackNumber)
    {
        var digits = SpokenDigits(callbackNumber);
        return Write(Say(new VoiceResponse(), $"Buongiorno, la chiamiamo da {jobCentreName}. Al momento non è disponibile nessun operatore. " +
                                              $"Può richiamarci al numero {digits}. Ripeto: {digits}. Grazie e arrivederci.").Hangup());
    }

    public static string Hangup() => Write(new VoiceResponse().Hangup());

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

    static VoiceResponse Say(VoiceResponse response, string text) => response.Say(text, voice: ItalianVoice, language: Italian);

    // One line, as Twilio reads it; the SDK writes the XML declaration (utf-8).
    static string Write(VoiceResponse response) => response.ToString(SaveOptions.DisableFormatting);
}
