namespace Dialer.Core.Outcomes;

/// <summary>Which contact list entries a refresh of the ledger recomputes.</summary>
public enum LedgerScope
{
    /// <summary>The entry of one call attempt's campaign and person (parameter <c>attemptId</c>).</summary>
    Attempt,
    /// <summary>The entry of the call that booked an appointment (parameter <c>appointmentId</c>).</summary>
    Appointment,
    /// <summary>Listed entries (parameter <c>entryIds</c>, a bigint array).</summary>
    Entries,
    /// <summary>A campaign's entries selected on a day (parameters <c>campaignId</c>, <c>selectedOn</c>).</summary>
    SelectionDay,
    /// <summary>Every entry of the people an import touched (its temporary table <c>touched</c>).</summary>
    TouchedPeople,
    /// <summary>Every entry of every campaign: the nightly pass.</summary>
    All,
}

/// <summary>
/// The outcomes ledger (docs/outcomes.md): one row per contact list entry with what became of the person, recomputed from
/// the raw tables by the database function <c>campaign_outcome_facts</c> (the one statement of the rules) for the entries
/// something just changed. The imports refresh the people they touched inside their transaction (a corrected or cancelled
/// hiring moves or retracts the placement with the notice), the dialing events the called person, the selection its new
/// entries, attendance its appointment's person, and a nightly pass everyone (retention milestones come due by the date
/// alone). Triggers keep <c>funnel_rollup</c> equal to the ledger's counts.
/// </summary>
public sealed class OutcomeLedger(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>The ledger's columns, in the table's order (the facts function returns the same).</summary>
    static readonly string[] Columns =
    [
        "entry_id", "campaign_id", "person_cf", "selected_on", "control", "sex", "age_band", "birth_area", "comune_code", "cpi_code",
        "queued", "dialed_on", "dial_week", "answered_on", "operator_id", "right_person", "intake_on", "attended", "hired_on",
        "placed_on", "placed_contract_type", "placed_family", "placed_planned_end_on", "placed_occupation_code",
        "placed_permanent_on", "retained_3m", "retained_6m", "stable", "placed_after_intake", "placed_sector_code",
    ];

    // Multi-entry refreshes take this lock, so that two of them never lock the same ledger rows in opposite orders.
    const long BulkLockKey = 0x4469616C6572_16;

    static readonly string UpsertPrefix = $"""
        INSERT INTO campaign_outcomes ({string.Join(", ", Columns)})
        SELECT {string.Join(", ", Columns.Select(c => "f." + c))}
        FROM   campaign_outcome_facts(CAST(@today AS date)) f
        WHERE
        """;

    static readonly string UpsertSuffix = $"""

        ON CONFLICT (entry_id) DO UPDATE
        SET    ({string.Join(", ", Columns.Skip(1))}) = ({string.Join(", ", Columns.Skip(1).Select(c => "excluded." + c))})
        WHERE  campaign_outcomes IS DISTINCT FROM excluded
        """;

    // TouchedPeople is turned into Entries before this is asked.
    static string Filter(LedgerScope scope) => scope switch
    {
        LedgerScope.Attempt => """
            f.entry_id = (SELECT e.id FROM call_attempts ca
                          JOIN contact_list_entries e ON e.campaign_id = ca.campaign_id AND e.person_cf = ca.person_cf
                          WHERE ca.id = @attemptId)
            """,
        LedgerScope.Appointment => """
            f.entry_id = (SELECT e.id FROM appointments ap
                          JOIN call_attempts ca ON ca.id = ap.attempt_id
                          JOIN contact_list_entries e ON e.campaign_id = ca.campaign_id AND e.person_cf = ca.person_cf
                          WHERE ap.id = @appointmentId)
            """,
        LedgerScope.Entries => "f.entry_id = ANY (@entryIds)",
        LedgerScope.SelectionDay => "f.campaign_id = @campaignId AND f.selected_on = CAST(@selectedOn AS date)",
        LedgerScope.All => "true",
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, null),
    };

    /// <summary>The Europe/Rome day the rules read as "today" (retention milestones, hirings started by now).</summary>
    public static DateOnly Today(TimeProvider time) => Dialing.Policy.CallingCalendar.LocalDate(time.GetUtcNow());

    /// <summary>Recomputes the scope's entries inside the caller's transaction; returns how many ledger rows changed.</summary>
    public static async Task<int> RefreshAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, LedgerScope scope, DateOnly today,
        object? args, CancellationToken ct)
    {
        if (scope is not (LedgerScope.Attempt or LedgerScope.Appointment))
            await conn.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@BulkLockKey)", new { BulkLockKey }, tx, cancellationToken: ct));
        if (scope == LedgerScope.TouchedPeople)
        {
            // The touched people's entries by id first: a filter on the person reaches the facts only after their lateral
            // look-ups ran for every entry (3.1 s instead of 1.2 s for 20,000 people of 84,000 entries; docs/benchmarks.md).
            var entryIds = (await conn.QueryAsync<long>(new CommandDefinition(
                "SELECT e.id FROM contact_list_entries e JOIN touched t ON t.cf = e.person_cf", transaction: tx, cancellationToken: ct))).ToArray();
            if (entryIds.Length == 0) return 0;
            (scope, args) = (LedgerScope.Entries, new { entryIds });
        }
        var parameters = new DynamicParameters(args);
        parameters.Add("today", today.ToDateTime(TimeOnly.MinValue));
        return await conn.ExecuteAsync(new CommandDefinition(UpsertPrefix + " " + Filter(scope) + UpsertSuffix, parameters, tx,
            cancellationToken: ct, commandTimeout: 0));
    }

    /// <summary>Recomputes the scope's entries in a transaction of its own.</summary>
    public async Task<int> RefreshAsync(LedgerScope scope, object? args, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var changed = await RefreshAsync(conn, tx, scope, Today(time), args, ct);
        await tx.CommitAsync(ct);
        return changed;
    }

    /// <summary>After a call attempt changed (an outcome, a disposition, an appointment's attendance): its person's entry.</summary>
    public Task<int> RefreshAttemptAsync(long attemptId, CancellationToken ct) => RefreshAsync(LedgerScope.Attempt, new { attemptId }, ct);
}

/// <summary>
/// The dialing events that change a person's funnel: a call's end (dialed, answered) and an operator's disposition (the
/// right person, an intake, the operator). Applied in whichever process receives the event; the nightly pass recomputes
/// everyone, so an event lost in a crash costs at most a day's delay in the funnel, never a wrong count for good.
/// </summary>
public sealed class OutcomeLedgerConsumer(OutcomeLedger ledger) : MassTransit.IConsumer<Dialing.CallCompleted>, MassTransit.IConsumer<Dialing.DispositionRecorded>
{
    public Task Consume(MassTransit.ConsumeContext<Dialing.CallCompleted> context) =>
        ledger.RefreshAttemptAsync(context.Message.AttemptId, context.CancellationToken);

    public Task Consume(MassTransit.ConsumeContext<Dialing.DispositionRecorded> context) =>
        ledger.RefreshAttemptAsync(context.Message.AttemptId, context.CancellationToken);
}
