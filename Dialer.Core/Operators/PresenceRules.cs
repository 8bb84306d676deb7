namespace Dialer.Core.Operators;

/// <summary>
/// The state an operator moves to: state, pause reason, the attempt kept, the wrap-up deadline, and the pause asked for
/// after the call (carried while the call lasts). A target that differs from the current presence only in
/// <see cref="PauseRequested"/> is not a move: the state and its start stay, and no history row is written.
/// </summary>
public sealed record PresenceTarget(PresenceState State, PauseReason? PauseReason = null, long? AttemptId = null, DateTimeOffset? WrapUpDeadline = null,
    PauseReason? PauseRequested = null)
{
    /// <summary>The current presence kept, with another pause request.</summary>
    public static PresenceTarget Keep(OperatorPresence current, PauseReason? pauseRequested) =>
        new(current.State, current.PauseReason, current.AttemptId, current.WrapUpDeadline, pauseRequested);
}

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
        RefuseWhileBusy(current, Text.T("uscire dal servizio", "go off duty"));
        return new PresenceTarget(PresenceState.SignedOut);
    }

    /// <summary>Available; during a call (or while its disposition is owed) with a pause asked for after it: that pause cancelled.</summary>
    public static PresenceTarget? SetAvailable(OperatorPresence current)
    {
        RefuseWhenSignedOut(current);
        if (current.State == PresenceState.Available) return null;
        if (current.PauseAfterCall && IsBusy(current)) return PresenceTarget.Keep(current, null);
        RefuseWhileBusy(current, Text.T("rendersi disponibile", "become available"));
        return new PresenceTarget(PresenceState.Available);
    }

    /// <summary>
    /// Paused with the reason; during a call (reserved, on_call) or while its disposition is owed, the pause is kept for
    /// after the call instead of refused: the race between a reservation and the operator's pause never loses the pause.
    /// </summary>
    public static PresenceTarget? Pause(OperatorPresence current, PauseReason reason)
    {
        if (reason == PauseReason.WrapUpOverrun)
            throw new PresenceMoveRefusedException(Text.T("La pausa wrap_up_overrun la imposta il sistema quando scade il tempo per l'esito: scegliere un altro motivo.", "The wrap_up_overrun pause is set by the system when the time for the outcome runs out: choose another reason."));
        RefuseWhenSignedOut(current);
        if (IsBusy(current)) return current.PauseRequested == reason ? null : PresenceTarget.Keep(current, reason);
        if (current.State == PresenceState.Paused && current.PauseReason == reason) return null;
        return new PresenceTarget(PresenceState.Paused, reason);
    }

    /// <summary>reserved → available (or the pause asked meanwhile) for this attempt (the call was not answered, or the preview was skipped).</summary>
    public static PresenceTarget? Release(OperatorPresence current, long attemptId) =>
        current.State == PresenceState.Reserved && current.AttemptId == attemptId ? AfterCall(current) : null;

    /// <summary>reserved → on_call for this attempt (the person answered).</summary>
    public static PresenceTarget? Connect(OperatorPresence current, long attemptId) =>
        current.State == PresenceState.Reserved && current.AttemptId == attemptId
            ? new PresenceTarget(PresenceState.OnCall, AttemptId: attemptId, PauseRequested: current.PauseRequested)
            : null;

    /// <summary>
    /// reserved or on_call → available for this attempt, with no disposition owed: the operator never talked to the person
    /// (an answering machine, or the person hung up before the operator picked up). The engine records the system disposition.
    /// </summary>
    public static PresenceTarget? Free(OperatorPresence current, long attemptId) =>
        current.AttemptId == attemptId && current.State is PresenceState.Reserved or PresenceState.OnCall
            ? AfterCall(current)
            : null;

    /// <summary>on_call → wrap_up for this attempt, with the deadline for its disposition.</summary>
    public static PresenceTarget? EndCall(OperatorPresence current, long attemptId, DateTimeOffset deadline) =>
        current.State == PresenceState.OnCall && current.AttemptId == attemptId
            ? new PresenceTarget(PresenceState.WrapUp, AttemptId: attemptId, WrapUpDeadline: deadline, PauseRequested: current.PauseRequested)
            : null;

    /// <summary>
    /// The disposition of the operator's current call was recorded: on_call, wrap_up or overrun pause → available, or
    /// paused with the reason asked during the call.
    /// </summary>
    public static PresenceTarget Disposed(OperatorPresence current, long attemptId)
    {
        if (current.AttemptId == attemptId && current.State is PresenceState.OnCall or PresenceState.WrapUp or PresenceState.Paused)
            return AfterCall(current);
        if (current.AttemptId == attemptId && current.State == PresenceState.Reserved)
            throw new PresenceMoveRefusedException(Text.T($"La chiamata {attemptId} non ha ancora avuto risposta: l'esito si registra dopo che la persona è in linea.", $"Call {attemptId} has not been answered yet: the outcome is recorded once the person is on the line."));
        throw new PresenceMoveRefusedException(
            Text.T($"La chiamata {attemptId} non è la chiamata in corso di {current.Identity} (stato {SnakeCase.Of(current.State)}",
                $"Call {attemptId} is not the current call of {current.Identity} (state {SnakeCase.Of(current.State)}") +
            (current.AttemptId is { } other ? Text.T($", chiamata {other}).", $", call {other}).") : ")."));
    }

    /// <summary>How much more time "Altro tempo" gives a wrap-up, each time it is asked (WCAG 2.2.1: as often as needed).</summary>
    public static readonly TimeSpan WrapUpExtension = TimeSpan.FromSeconds(60);

    /// <summary>wrap_up → wrap_up with the deadline <see cref="WrapUpExtension"/> later (from now, if it had passed).</summary>
    public static PresenceTarget ExtendWrapUp(OperatorPresence current, DateTimeOffset now)
    {
        if (current.State != PresenceState.WrapUp || current.AttemptId is null || current.WrapUpDeadline is not { } deadline)
            throw new PresenceMoveRefusedException(Text.T($"{current.Identity} non è in post-chiamata: non c'è un tempo da allungare.", $"{current.Identity} is not in wrap-up: there is no time to extend."));
        return new PresenceTarget(PresenceState.WrapUp, AttemptId: current.AttemptId, WrapUpDeadline: (deadline > now ? deadline : now) + WrapUpExtension,
            PauseRequested: current.PauseRequested);
    }

    /// <summary>Where an operator goes when their call is over: the pause they asked for meanwhile, else available.</summary>
    static PresenceTarget AfterCall(OperatorPresence current) =>
        current.PauseRequested is { } reason ? new PresenceTarget(PresenceState.Paused, reason) : new PresenceTarget(PresenceState.Available);

    static bool IsBusy(OperatorPresence current) => current.State is PresenceState.Reserved or PresenceState.OnCall || current.DispositionOwed;

    static void RefuseWhenSignedOut(OperatorPresence current)
    {
        if (current.State == PresenceState.SignedOut)
            throw new PresenceMoveRefusedException(Text.T($"{current.Identity} non è in servizio: prima entrare in servizio.", $"{current.Identity} is not on duty: go on duty first."));
    }

    static void RefuseWhileBusy(OperatorPresence current, string move)
    {
        if (current.State is PresenceState.Reserved or PresenceState.OnCall)
            throw new PresenceMoveRefusedException(
                Text.T($"{current.Identity} non può {move} con la chiamata {current.AttemptId} in corso ({SnakeCase.Of(current.State)}): prima deve finire.",
                    $"{current.Identity} cannot {move} during call {current.AttemptId} ({SnakeCase.Of(current.State)}): it must end first."));
        if (current.DispositionOwed)
            throw new PresenceMoveRefusedException(
                Text.T($"{current.Identity} non può {move}: prima registrare l'esito della chiamata {current.AttemptId}.",
                    $"{current.Identity} cannot {move}: record the outcome of call {current.AttemptId} first."));
    }
}
