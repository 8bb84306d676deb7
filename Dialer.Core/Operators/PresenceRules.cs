namespace Dialer.Core.Operators;

/// <summary>The state an operator moves to: state, pause reason, the attempt kept, the wrap-up deadline.</summary>
public sealed record PresenceTarget(PresenceState State, PauseReason? PauseReason = null, long? AttemptId = null, DateTimeOffset? WrapUpDeadline = null);

/// <summary>
/// Which presence moves are allowed from which state (pure). The operator's own moves return null when they change
/// nothing (a repeat), and throw <see cref="PresenceMoveRefusedException"/> with the reason when they are not allowed.
/// The engine's moves (reserve, connect, release, end call) and the disposition only apply to the attempt they name.
/// </summary>
public static class PresenceRules
{
    public static PresenceTarget? SignIn(OperatorPresence current) =>
        current.State == PresenceState.SignedOut ? new PresenceTarget(PresenceState.Available) : null;

    public static PresenceTarget? SignOut(OperatorPresence current)
    {
        if (current.State == PresenceState.SignedOut) return null;
        RefuseWhileBusy(current, "sign out");
        return new PresenceTarget(PresenceState.SignedOut);
    }

    public static PresenceTarget? SetAvailable(OperatorPresence current)
    {
        RefuseWhenSignedOut(current);
        if (current.State == PresenceState.Available) return null;
        RefuseWhileBusy(current, "become available");
        return new PresenceTarget(PresenceState.Available);
    }

    public static PresenceTarget? Pause(OperatorPresence current, PauseReason reason)
    {
        if (reason == PauseReason.WrapUpOverrun)
            throw new PresenceMoveRefusedException("The pause reason wrap_up_overrun is set by the system when the wrap-up time runs out; choose another reason.");
        RefuseWhenSignedOut(current);
        if (current.State == PresenceState.Paused && current.PauseReason == reason) return null;
        RefuseWhileBusy(current, "pause");
        return new PresenceTarget(PresenceState.Paused, reason);
    }

    /// <summary>reserved → available for this attempt (the call was not answered, or the preview was skipped).</summary>
    public static PresenceTarget? Release(OperatorPresence current, long attemptId) =>
        current.State == PresenceState.Reserved && current.AttemptId == attemptId ? new PresenceTarget(PresenceState.Available) : null;

    /// <summary>reserved → on_call for this attempt (the person answered).</summary>
    public static PresenceTarget? Connect(OperatorPresence current, long attemptId) =>
        current.State == PresenceState.Reserved && current.AttemptId == attemptId ? new PresenceTarget(PresenceState.OnCall, AttemptId: attemptId) : null;

    /// <summary>
    /// reserved or on_call → available for this attempt, with no disposition owed: the operator never talked to the person
    /// (an answering machine, or the person hung up before the operator picked up). The engine records the system disposition.
    /// </summary>
    public static PresenceTarget? Free(OperatorPresence current, long attemptId) =>
        current.AttemptId == attemptId && current.State is PresenceState.Reserved or PresenceState.OnCall
            ? new PresenceTarget(PresenceState.Available)
            : null;

    /// <summary>on_call → wrap_up for this attempt, with the deadline for its disposition.</summary>
    public static PresenceTarget? EndCall(OperatorPresence current, long attemptId, DateTimeOffset deadline) =>
        current.State == PresenceState.OnCall && current.AttemptId == attemptId
            ? new PresenceTarget(PresenceState.WrapUp, AttemptId: attemptId, WrapUpDeadline: deadline)
            : null;

    /// <summary>The disposition of the operator's current call was recorded: on_call, wrap_up or overrun pause → available.</summary>
    public static PresenceTarget Disposed(OperatorPresence current, long attemptId)
    {
        if (current.AttemptId == attemptId && current.State is PresenceState.OnCall or PresenceState.WrapUp or PresenceState.Paused)
            return new PresenceTarget(PresenceState.Available);
        if (current.AttemptId == attemptId && current.State == PresenceState.Reserved)
            throw new PresenceMoveRefusedException($"Attempt {attemptId} has not been answered yet: a disposition is recorded once the call is connected.");
        throw new PresenceMoveRefusedException(
            $"Attempt {attemptId} is not {current.Identity}'s current call (they are {SnakeCase.Of(current.State)}" +
            (current.AttemptId is { } other ? $" for attempt {other})." : ")."));
    }

    static void RefuseWhenSignedOut(OperatorPresence current)
    {
        if (current.State == PresenceState.SignedOut)
            throw new PresenceMoveRefusedException($"{current.Identity} is signed out: sign in first.");
    }

    static void RefuseWhileBusy(OperatorPresence current, string move)
    {
        if (current.State is PresenceState.Reserved or PresenceState.OnCall)
            throw new PresenceMoveRefusedException(
                $"{current.Identity} cannot {move} while {SnakeCase.Of(current.State)} for attempt {current.AttemptId}: the call must end first.");
        if (current.DispositionOwed)
            throw new PresenceMoveRefusedException(
                $"{current.Identity} cannot {move}: disposition required first (attempt {current.AttemptId}).");
    }
}
