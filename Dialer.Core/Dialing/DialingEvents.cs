namespace Dialer.Core.Dialing;

// The events of a call attempt's life, published through MassTransit after the state they report is durable.
// Contracts: add fields only at the end, never rename (other processes may run an older build during a rollout).
// No personal data: people are identified by attempt and campaign, never by name, number or codice fiscale.

/// <summary>Twilio accepted the create for this attempt.</summary>
public sealed record CallPlaced(long AttemptId, long CampaignId, long? OperatorId, string CallSid, string Mode, DateTimeOffset At);

/// <summary>A person (not a machine) answered.</summary>
public sealed record CallAnswered(long AttemptId, long CampaignId, long? OperatorId, DateTimeOffset At);

/// <summary>The attempt ended with a provider outcome (answered, busy, no_answer, machine, failed, canceled, not_placed).</summary>
public sealed record CallCompleted(long AttemptId, long CampaignId, long? OperatorId, string Outcome, bool Abandoned, DateTimeOffset At);

/// <summary>An operator recorded a disposition. <see cref="CallbackAt"/> is set for a call-back disposition.</summary>
public sealed record DispositionRecorded(long AttemptId, long CampaignId, long OperatorId, string Code, DateTimeOffset? CallbackAt,
    long? CallbackOperatorId, DateTimeOffset At);

/// <summary>The person accepted to be taken in charge, with an appointment.</summary>
public sealed record IntakeAccepted(long AttemptId, long CampaignId, long OperatorId, string CpiCode, DateTimeOffset AppointmentAt,
    string Channel, DateTimeOffset At);
