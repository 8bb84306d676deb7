using System.Security.Cryptography;
using Dialer.Core.Telephony;

namespace Dialer.Worker.Telephony.Emulator;

/// <summary>How the Twilio emulator behaves. Every knob has a default that behaves like a plain Twilio account.</summary>
public sealed class EmulatorOptions
{
    public const string Section = "TwilioEmulator";

    /// <summary>A fixed development account: "AC" + 32 hex, as Twilio's SIDs are. Not a real account.</summary>
    public const string DefaultAccountSid = TwilioOptions.EmulatorAccountSid;

    public string AccountSid { get; set; } = DefaultAccountSid;

    /// <summary>The account's primary Auth Token, which also signs every webhook. A random one when not set.</summary>
    public string AuthToken { get; set; } = TwilioOptions.EmulatorAuthToken;

    /// <summary>API keys accepted for the account: SK SID → secret.</summary>
    public Dictionary<string, string> ApiKeys { get; set; } = [];

    /// <summary>Creates leave the queue at most this many per second per account (Twilio's default is 1; docs/twilio-reference.md §5.1).</summary>
    public double CallsPerSecond { get; set; } = 1;

    /// <summary>Seeds every random choice (outcomes, durations, callback faults, SIDs); none means a random seed.</summary>
    public int? Seed { get; set; }

    /// <summary>Reject unknown create parameters with 400/20001; Twilio itself tends to ignore them.</summary>
    public bool StrictParameters { get; set; }

    /// <summary>More REST requests than this in flight at once get 429/20429 (docs/twilio-reference.md §7.1.11); 0 means no limit.</summary>
    public int MaxConcurrentRequests { get; set; }

    /// <summary>The numbers the account owns; a create from another number gets 21210. Empty: any valid number is accepted.</summary>
    public List<string> OwnedNumbers { get; set; } = [];

    /// <summary>Destinations the geo permissions block (21215), e.g. "+882".</summary>
    public List<string> GeoBlockedPrefixes { get; set; } = [];

    /// <summary>Calls still queued after this long are cancelled, as Twilio does after 24 h.</summary>
    public TimeSpan MaxQueueTime { get; set; } = TimeSpan.FromHours(24);

    public CallProfile DefaultProfile { get; set; } = CallProfile.Default;

    /// <summary>For <c>client:</c> legs of a &lt;Dial&gt; that no pattern matches: the operator answers.</summary>
    public CallProfile OperatorProfile { get; set; } = CallProfile.Operator;

    /// <summary>Per number pattern ("+39333*", "client:op_*", an exact number); the first match wins.</summary>
    public List<CallProfile> Profiles { get; set; } = [];

    public CallbackFaults CallbackFaults { get; set; } = new();

    public static string RandomHex(int length) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(length / 2));
}

/// <summary>
/// What can happen to a status callback on its way (docs/twilio-reference.md §2.4, §7.3.22). Each is a probability per callback.
/// Dropped callbacks still consume their SequenceNumber, as a lost request would.
/// </summary>
public sealed record CallbackFaults
{
    /// <summary>Sent twice, with the same I-Twilio-Idempotency-Token and signature.</summary>
    public double Duplicate { get; init; }

    /// <summary>Held back and sent after the call's next callback.</summary>
    public double Reorder { get; init; }

    /// <summary>Sent late by <see cref="DelaySeconds"/>, while later callbacks go out on time.</summary>
    public double Delay { get; init; }

    public double DelaySeconds { get; init; } = 2;

    /// <summary>Never sent.</summary>
    public double Drop { get; init; }

    public string? Validate()
    {
        foreach (var (name, p) in new[] { ("duplicate", Duplicate), ("reorder", Reorder), ("delay", Delay), ("drop", Drop) })
            if (p is < 0 or > 1 || double.IsNaN(p)) return $"callback fault '{name}' must be a probability between 0 and 1, not {p}";
        if (DelaySeconds is < 0 or > 3600 || double.IsNaN(DelaySeconds)) return $"delaySeconds must be between 0 and 3600, not {DelaySeconds}";
        return null;
    }
}
