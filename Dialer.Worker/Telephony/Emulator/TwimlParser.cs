using System.Globalization;
using System.Xml.Linq;
using System.Xml;

namespace Dialer.Worker.Telephony.Emulator;

/// <summary>A TwiML verb the emulator executes (docs/twilio-reference.md §4.2). Verbs it knows but does not simulate become <see cref="Skip"/>.</summary>
public abstract record TwimlVerb
{
    public sealed record Say(string Text, string? Voice, string? Language, int Loop) : TwimlVerb;
    public sealed record Pause(int Length) : TwimlVerb;
    public sealed record Hangup : TwimlVerb;
    public sealed record Redirect(string Url, string Method) : TwimlVerb;
    public sealed record Dial(string? Action, string Method, int Timeout, int TimeLimit, string? CallerId, IReadOnlyList<DialTarget> Targets) : TwimlVerb;
    public sealed record Skip(string Name) : TwimlVerb;
}

/// <summary>A &lt;Client&gt; or &lt;Number&gt; noun: whom a &lt;Dial&gt; rings, and who hears about that leg.</summary>
public sealed record DialTarget(string To, string? StatusCallback, string StatusCallbackMethod, IReadOnlySet<string> StatusCallbackEvents);

public sealed class TwimlException(int code, string message) : Exception(message)
{
    public int Code { get; } = code;
}

/// <summary>Reads a TwiML document. Names are case-sensitive, as in Twilio; anything else is error 12100.</summary>
public static class TwimlParser
{
    static readonly HashSet<string> OtherVerbs = new(StringComparer.Ordinal)
        { "Play", "Gather", "Record", "Enqueue", "Leave", "Sms", "Message", "Connect", "Refer", "Start", "Stop", "Pay", "Prompt", "Echo", "Reject" };

    public static IReadOnlyList<TwimlVerb> Parse(string xml, Uri? documentUrl)
    {
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            document = XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            throw new TwimlException(12100, $"Document parse failure: {ex.Message}");
        }
        if (document.Root is not { Name.LocalName: "Response" } root) throw new TwimlException(12100, "The root element must be <Response>.");
        return [.. root.Elements().Select(e => Verb(e, documentUrl))];
    }

    static TwimlVerb Verb(XElement e, Uri? documentUrl) => e.Name.LocalName switch
    {
        "Say" => new TwimlVerb.Say(e.Value.Trim(), Attr(e, "voice"), Attr(e, "language"), Int(e, "loop", 1)),
        "Pause" => new TwimlVerb.Pause(Int(e, "length", 1)),
        "Hangup" => new TwimlVerb.Hangup(),
        "Redirect" => new TwimlVerb.Redirect(Resolve(e.Value.Trim(), documentUrl) ?? throw new TwimlException(12100, "<Redirect> needs a URL."),
            CallRequest.HttpMethod(Attr(e, "method"), "method")),
        "Dial" => Dial(e, documentUrl),
        var name when OtherVerbs.Contains(name) => new TwimlVerb.Skip(name),
        var name => throw new TwimlException(12100, $"Invalid TwiML verb <{name}> (verbs are case-sensitive)."),
    };

    static TwimlVerb.Dial Dial(XElement e, Uri? documentUrl)
    {
        var targets = new List<DialTarget>();
        foreach (var noun in e.Elements())
        {
            var to = noun.Name.LocalName switch
            {
                "Client" => "client:" + (noun.Element("Identity")?.Value ?? noun.Value).Trim(),
                "Number" => noun.Value.Trim(),
                "Sip" => noun.Value.Trim(),
                "Queue" or "Conference" or "Sim" or "Application" => null,
                var name => throw new TwimlException(12100, $"Invalid noun <{name}> in <Dial>."),
            };
            if (to is null) continue;
            var callback = Resolve(Attr(noun, "statusCallback"), documentUrl);
            var events = (Attr(noun, "statusCallbackEvent") ?? "completed").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            targets.Add(new DialTarget(to, callback, CallRequest.HttpMethod(Attr(noun, "statusCallbackMethod"), "statusCallbackMethod"), events));
        }
        if (!e.HasElements && e.Value.Trim() is { Length: > 0 } number)
            targets.Add(new DialTarget(number, null, "POST", new HashSet<string>(StringComparer.Ordinal) { "completed" }));
        if (targets.Count > 10) throw new TwimlException(12100, "<Dial> rings at most 10 numbers or clients at once.");
        return new TwimlVerb.Dial(Resolve(Attr(e, "action"), documentUrl), CallRequest.HttpMethod(Attr(e, "method"), "method"),
            Int(e, "timeout", 30), Int(e, "timeLimit", 14400), Attr(e, "callerId"), targets);
    }

    static string? Attr(XElement e, string name) => e.Attribute(name)?.Value;

    static int Int(XElement e, string name, int fallback) =>
        Attr(e, name) is { } v ? int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : throw new TwimlException(12100, $"<{e.Name.LocalName} {name}=\"{v}\"> is not a whole number.") : fallback;

    /// <summary>Relative action and redirect URLs are resolved against the URL the document came from.</summary>
    static string? Resolve(string? url, Uri? documentUrl) =>
        string.IsNullOrWhiteSpace(url) ? null
        : Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal) ? url
        : documentUrl is not null ? new Uri(documentUrl, url).ToString()
        : throw new TwimlException(12100, $"Relative URL {url} in inline TwiML.");
}
