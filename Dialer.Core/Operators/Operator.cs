using System.Text.Json;
using System.Text.RegularExpressions;
using Dialer.Core.PhoneNumbers;

namespace Dialer.Core.Operators;

/// <summary>Where an operator is (the shared vocabulary; snake_case in the database and in JSON).</summary>
public enum PresenceState { SignedOut, Available, Reserved, OnCall, WrapUp, Paused }

/// <summary>Why an operator is paused. <see cref="WrapUpOverrun"/> is set by the system, never chosen.</summary>
public enum PauseReason { Break, Training, Meeting, BackOffice, EndOfShift, TechnicalIssue, WrapUpOverrun }

/// <summary>A pause reason as the console lists it.</summary>
public sealed record PauseReasonOption(PauseReason Code, [property: System.Text.Json.Serialization.JsonIgnore] string Italian, [property: System.Text.Json.Serialization.JsonIgnore] string English, bool ChosenByOperator)
{
    public string Label => Text.T(Italian, English);
}

public static class PauseReasons
{
    public static readonly IReadOnlyList<PauseReasonOption> All =
    [
        new(PauseReason.Break, "Pausa", "Break", true),
        new(PauseReason.Training, "Formazione", "Training", true),
        new(PauseReason.Meeting, "Riunione", "Meeting", true),
        new(PauseReason.BackOffice, "Back office", "Back office", true),
        new(PauseReason.EndOfShift, "Fine turno", "End of shift", true),
        new(PauseReason.TechnicalIssue, "Problema tecnico", "Technical problem", true),
        new(PauseReason.WrapUpOverrun, "Tempo di post-chiamata superato", "Wrap-up time exceeded", false),
    ];

    public static string Label(PauseReason reason) => All.First(r => r.Code == reason).Label;
}

/// <summary>The states as the console names them (the glossary of docs/operators.md), in the reader's language (<see cref="Text"/>).</summary>
public static class PresenceLabels
{
    public static string Label(PresenceState state) => state switch
    {
        PresenceState.SignedOut => Text.T("Non in servizio", "Off duty"),
        PresenceState.Available => Text.T("Disponibile", "Available"),
        PresenceState.Reserved => Text.T("Riservato", "Reserved"),
        PresenceState.OnCall => Text.T("In chiamata", "On a call"),
        PresenceState.WrapUp => Text.T("Post-chiamata", "Wrap-up"),
        PresenceState.Paused => Text.T("In pausa", "Paused"),
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };
}

/// <summary>An operator as an administrator defines them.</summary>
// Campaigns: Slugs of the campaigns they take calls for; empty: every campaign.
public sealed record Operator(long Id, string Identity, string DisplayName, string? CpiCode, string? PhoneE164, bool Active,
    IReadOnlyList<string> Campaigns);

/// <summary>What an administrator sends to create or change an operator (PUT /api/operators/{identity}, `dialer operator add`).</summary>
public sealed partial record OperatorProfile(string Identity, string? DisplayName, string? CpiCode = null, string? Phone = null, bool Active = true,
    IReadOnlyList<string>? Campaigns = null)
{
    /// <summary>One message per invalid field, each starting with the field's name; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!OperatorIdentity.IsValid(Identity))
            errors.Add(Text.T($"identity: \"{Identity}\" non è un'identità valida (da 1 a 121 caratteri tra A-Z a-z 0-9 _ . @ -).", $"identity: \"{Identity}\" is not a valid identity (1 to 121 characters among A-Z a-z 0-9 _ . @ -)."));
        if (string.IsNullOrWhiteSpace(DisplayName)) errors.Add(Text.T("name: obbligatorio (il nome che vedono colleghi e supervisori).", "name: required (the name colleagues and supervisors see)."));
        else if (DisplayName.Trim().Length > 200) errors.Add(Text.T("name: al massimo 200 caratteri.", "name: at most 200 characters."));
        if (CpiCode is not null && !CpiPattern().IsMatch(CpiCode.Trim().ToUpperInvariant()))
            errors.Add(Text.T($"cpi: \"{CpiCode}\" non è un codice di CPI (lettere, cifre e _).", $"cpi: \"{CpiCode}\" is not a CPI code (letters, digits and _)."));
        if (Phone is not null && PhoneNumber.Parse(Phone).E164 is null)
            errors.Add(Text.T($"phone: \"{Phone}\" non è un numero di telefono (scriverlo come +39…).", $"phone: \"{Phone}\" is not a phone number (write it as +39…)."));
        foreach (var slug in Campaigns ?? [])
            if (string.IsNullOrWhiteSpace(slug)) errors.Add(Text.T("campaigns: una campagna senza nome.", "campaigns: a campaign without a name."));
        return errors;
    }

    [GeneratedRegex("^[A-Z0-9_]+$")]
    private static partial Regex CpiPattern();
}

public static partial class OperatorIdentity
{
    public static bool IsValid(string? identity) => identity is not null && Pattern().IsMatch(identity);

    [GeneratedRegex("^[A-Za-z0-9_.@-]{1,121}$")]
    private static partial Regex Pattern();
}

/// <summary>
/// An operator's current presence. <see cref="AttemptId"/> is the attempt they are reserved for, on, or still owe a
/// disposition for; <see cref="Since"/> is when the state began; <see cref="PauseRequested"/> is a pause asked during
/// that call, applied when it is over ("Pausa dopo questa chiamata").
/// </summary>
public sealed record OperatorPresence(long OperatorId, string Identity, string DisplayName, PresenceState State, PauseReason? PauseReason,
    DateTimeOffset Since, long? AttemptId, DateTimeOffset? WrapUpDeadline, PauseReason? PauseRequested = null)
{
    public string? PauseLabel => PauseReason is { } r ? PauseReasons.Label(r) : null;

    /// <summary>A pause was asked during the current call: the operator goes to paused, not available, when it is over.</summary>
    public bool PauseAfterCall => PauseRequested is not null;

    /// <summary>The call is over but its disposition has not been recorded: no other call until it is.</summary>
    public bool DispositionOwed => AttemptId is not null && State is PresenceState.WrapUp or PresenceState.Paused;
}

/// <summary>The operator <see cref="OperatorRoster.TryReserveAsync(long, long, CancellationToken)"/> reserved for an attempt.</summary>
// Target: Where Twilio connects the answered call: <c>client:&lt;identity&gt;</c>, or the operator's phone in E.164.
public sealed record ReservedOperator(long OperatorId, string Identity, string Target);

/// <summary>Time an operator spent in a state (and pause reason) within a report's period.</summary>
public sealed record PresenceTime(long OperatorId, string Identity, PresenceState State, PauseReason? PauseReason, TimeSpan Duration);

public sealed class OperatorNotFoundException(string identity) : Exception(Text.T($"Nessun operatore con identità \"{identity}\".", $"No operator with identity \"{identity}\"."))
{
    public string Identity { get; } = identity;
}

public sealed class OperatorValidationException(IReadOnlyList<string> errors) : Exception("The operator is not valid: " + string.Join(" ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>A presence move the operator's current state does not allow; the message says why and what to do.</summary>
public sealed class PresenceMoveRefusedException(string message) : Exception(message);

/// <summary>The snake_case database and JSON spelling of the enums of this capability.</summary>
public static class SnakeCase
{
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static TEnum Parse<TEnum>(string text) where TEnum : struct, Enum =>
        TryParse<TEnum>(text, out var value) ? value : throw new FormatException($"\"{text}\" is not a {typeof(TEnum).Name}.");

    public static bool TryParse<TEnum>(string? text, out TEnum value) where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (Of(candidate) == text)
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }

    public static string Values<TEnum>() where TEnum : struct, Enum => string.Join(", ", Enum.GetValues<TEnum>().Select(Of));
}
