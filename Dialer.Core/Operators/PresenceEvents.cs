namespace Dialer.Core.Operators;

// Published through MassTransit after the presence move it reports is committed, for every move: the operator's own
// (sign in, available, pause, sign out, a pause asked for after the call) and the engine's (reserved, on_call, wrap_up,
// the wrap-up overrun pause, back to available or to the asked pause after a call, a release, an expired preview).
// Contract: add fields only at the end, never rename (other processes may run an older build during a rollout).
// Identity is the operator's username (operators.identity), not personal data of the people called.

/// <summary>
/// An operator's presence moved. <see cref="State"/> and <see cref="PauseReason"/> are the snake_case codes of
/// <see cref="PresenceState"/> and <see cref="Operators.PauseReason"/>; <see cref="PauseAfterCall"/>: a pause was asked
/// during a call and applies when it ends; <see cref="Since"/>: when the state began; <see cref="At"/>: when the move happened.
/// </summary>
public sealed record OperatorPresenceChanged(long OperatorId, string Identity, string State, string? PauseReason, bool PauseAfterCall,
    DateTimeOffset Since, DateTimeOffset At);
