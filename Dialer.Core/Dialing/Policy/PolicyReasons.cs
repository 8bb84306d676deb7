namespace Dialer.Core.Dialing.Policy;

/// <summary>
/// Why someone is not dialed now: the shared vocabulary (snake_case, stored on queue rows and counted by diagnostics),
/// each with the label a supervisor sees (Italian, or English for who chose it).
/// </summary>
public static class PolicyReasons
{
    public const string OutsideCallingWindow = "outside_calling_window";
    public const string PublicHoliday = "public_holiday";
    public const string PatronSaintDay = "patron_saint_day";
    public const string DailyCapReached = "daily_cap_reached";
    public const string TotalCapReached = "total_cap_reached";
    public const string RetryDelayBusy = "retry_delay_busy";
    public const string RetryDelayNoAnswer = "retry_delay_no_answer";
    public const string RetryDelayMachine = "retry_delay_machine";
    public const string NumberFlagged = "number_flagged";
    public const string Objection = "objection";
    public const string AbandonedCoolOff = "abandoned_cool_off";
    public const string CallbackScheduled = "callback_scheduled";
    public const string NoOperatorAvailable = "no_operator_available";
    public const string TelephonyPaused = "telephony_paused";
    public const string CampaignInactive = "campaign_inactive";
    public const string ContactExpired = "contact_expired";
    public const string SkippedByOperator = "skipped_by_operator";
    public const string NotPlacedReconciled = "not_placed_reconciled";

    /// <summary>Every reason with its label in the reader's language (Italian unless they chose English).</summary>
    public static IReadOnlyDictionary<string, string> Labels => Catalogue.ToDictionary(c => c.Key, c => Text.T(c.Value.Italian, c.Value.English));

    /// <summary>The one place where reasons get their words, Italian and English.</summary>
    static readonly IReadOnlyDictionary<string, (string Italian, string English)> Catalogue = new Dictionary<string, (string, string)>
    {
        [OutsideCallingWindow] = ("Fuori dalla fascia oraria di chiamata", "Outside the calling window"),
        [PublicHoliday] = ("Giorno festivo nazionale", "National public holiday"),
        [PatronSaintDay] = ("Festa del santo patrono del comune", "The comune's patron saint's day"),
        [DailyCapReached] = ("Raggiunto il limite di tentativi giornalieri", "Daily attempt limit reached"),
        [TotalCapReached] = ("Raggiunto il limite totale di tentativi", "Total attempt limit reached"),
        [RetryDelayBusy] = ("Attesa dopo numero occupato", "Waiting after a busy line"),
        [RetryDelayNoAnswer] = ("Attesa dopo mancata risposta", "Waiting after no answer"),
        [RetryDelayMachine] = ("Attesa dopo segreteria telefonica", "Waiting after an answering machine"),
        [NumberFlagged] = ("Numero segnalato come non valido", "Number flagged as not valid"),
        [Objection] = ("Opposizione al contatto registrata", "Objection to contact recorded"),
        [AbandonedCoolOff] = ("Pausa dopo una chiamata abbandonata", "Pause after an abandoned call"),
        [CallbackScheduled] = ("Richiamata programmata", "Call-back scheduled"),
        [NoOperatorAvailable] = ("Nessun operatore disponibile", "No operator available"),
        [TelephonyPaused] = ("Telefonia in pausa", "Telephony paused"),
        [CampaignInactive] = ("Campagna non attiva", "Campaign not active"),
        [ContactExpired] = ("Contatto scaduto", "Contact expired"),
        [SkippedByOperator] = ("Saltato dall'operatore", "Skipped by the operator"),
        [NotPlacedReconciled] = ("Chiamata non partita (verificato presso il provider), nuovo tentativo tra poco", "Call not placed (checked with the provider), retrying shortly"),
    };

    /// <summary>The label of a reason in the reader's language; an unknown code is shown as itself rather than hidden.</summary>
    public static string Label(string reason) => Catalogue.TryGetValue(reason, out var label) ? Text.T(label.Italian, label.English) : reason;
}
