namespace Dialer.Core.Audit;

/// <summary>
/// One thing to record in the audit log (table audit_log, migration 0510; docs/audit.md). <see cref="PersonCf"/> is the
/// codice fiscale of the person whose data was viewed or changed: personal data, kept in the audit log and never logged.
/// </summary>
/// <param name="Actor">Who: a username ("m.rossi (token notturno)" when a script acted with a personal API token), or <see cref="AuditActors.System"/>.</param>
/// <param name="Action">What: one of <see cref="AuditActions"/> (lower-case letters and underscores).</param>
/// <param name="ActorRole">The actor's role when they acted (operator, supervisor, admin), if any.</param>
/// <param name="PersonCf">Whose personal data, if any.</param>
/// <param name="Subject">What was acted on: an attempt id, a campaign slug, a username, a token's name.</param>
/// <param name="Detail">Anything else worth keeping, serialized as a JSON object (an anonymous object does).</param>
/// <param name="ClientIp">The client's address as the API saw it.</param>
public sealed record AuditEntry(
    string Actor,
    string Action,
    string? ActorRole = null,
    string? PersonCf = null,
    string? Subject = null,
    object? Detail = null,
    string? ClientIp = null);

/// <summary>The actors that are not a signed-in user.</summary>
public static class AuditActors
{
    /// <summary>The scheduler's jobs (the retention purge).</summary>
    public const string System = "system";

    /// <summary>Whoever ran a `dialer` command that changes something: the operating system's user, e.g. "root (riga di comando)".</summary>
    public static string CommandLine() => $"{Environment.UserName} (riga di comando)";
}

/// <summary>The actions the audit log records, and how the admin page and the CSV name them in Italian.</summary>
public static class AuditActions
{
    public const string SignIn = "sign_in";
    public const string SignInFailed = "sign_in_failed";
    public const string SignInLocked = "sign_in_locked";
    public const string SignOut = "sign_out";
    /// <summary>A person's data shown: the preview card, the screen pop, a call's detail, a search result (detail.view says which).</summary>
    public const string PersonViewed = "person_viewed";
    /// <summary>An export that contains personal data; one row per export, person_cf empty unless it was one person's.</summary>
    public const string PersonExported = "person_exported";
    public const string CampaignChanged = "campaign_changed";
    /// <summary>A campaign stopped dialing (its queue is held, reason campaign_inactive) or started again.</summary>
    public const string CampaignPaused = "campaign_paused";
    public const string CampaignResumed = "campaign_resumed";
    public const string UserChanged = "user_changed";
    public const string ObjectionRecorded = "objection_recorded";
    public const string DispositionRecorded = "disposition_recorded";
    /// <summary>An appointment's attendance recorded or changed (page, API or a CPI's file; docs/appointments.md).</summary>
    public const string AttendanceRecorded = "attendance_recorded";
    public const string TokenCreated = "token_created";
    public const string TokenRevoked = "token_revoked";
    public const string AuditExported = "audit_exported";
    public const string AuditPurged = "audit_purged";

    static readonly (string Action, string Italian, string English)[] Catalogue =
    [
        (SignIn, "Accesso", "Sign-in"),
        (SignInFailed, "Accesso non riuscito", "Failed sign-in"),
        (SignInLocked, "Accesso bloccato", "Sign-in locked"),
        (SignOut, "Uscita", "Sign-out"),
        (PersonViewed, "Dati personali consultati", "Personal data viewed"),
        (PersonExported, "Dati personali esportati", "Personal data exported"),
        (CampaignChanged, "Campagna modificata", "Campaign changed"),
        (CampaignPaused, "Campagna sospesa", "Campaign paused"),
        (CampaignResumed, "Campagna riattivata", "Campaign resumed"),
        (UserChanged, "Utente modificato", "User changed"),
        (ObjectionRecorded, "Opposizione registrata", "Objection recorded"),
        (DispositionRecorded, "Esito registrato", "Outcome recorded"),
        (AttendanceRecorded, "Presenza all'appuntamento registrata", "Appointment attendance recorded"),
        (TokenCreated, "Token API creato", "API token created"),
        (TokenRevoked, "Token API revocato", "API token revoked"),
        (AuditExported, "Registro esportato", "Audit log exported"),
        (AuditPurged, "Registro: voci scadute eliminate", "Audit log: expired entries purged"),
    ];

    /// <summary>Every action above, in the order the admin page lists them, with its label in the reader's language.</summary>
    public static IReadOnlyList<(string Action, string Label)> All => [.. Catalogue.Select(a => (a.Action, Text.T(a.Italian, a.English)))];

    /// <summary>The label of an action in the reader's language; an action this build does not know is shown as its code.</summary>
    public static string Label(string action) =>
        Catalogue.FirstOrDefault(a => a.Action == action) is { Action: not null } known ? Text.T(known.Italian, known.English) : action;
}

/// <summary>Which view showed a person's data: the <c>view</c> of a <see cref="AuditActions.PersonViewed"/> row's detail.</summary>
public static class PersonViews
{
    public const string PreviewCard = "preview_card";
    public const string ScreenPop = "screen_pop";
    public const string CallDetail = "call_detail";
    public const string Search = "search";
    /// <summary>A CPI's appointments listed for its desk (page or API; one row per person shown).</summary>
    public const string Appointments = "appointments";
}
