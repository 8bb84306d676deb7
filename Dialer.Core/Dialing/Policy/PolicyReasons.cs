namespace Dialer.Core.Dialing.Policy;

/// <summary>
/// Why someone is not dialed now: the shared vocabulary (snake_case, stored on queue rows and counted by diagnostics),
/// each with the Italian label a supervisor sees.
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

    /// <summary>Every reason with its Italian label, in the order diagnostics list them.</summary>
    public static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string>
    {
        [OutsideCallingWindow] = "Fuori dalla fascia oraria di chiamata",
        [PublicHoliday] = "Giorno festivo nazionale",
        [PatronSaintDay] = "Festa del santo patrono del comune",
        [DailyCapReached] = "Raggiunto il limite di tentativi giornalieri",
        [TotalCapReached] = "Raggiunto il limite totale di tentativi",
        [RetryDelayBusy] = "Attesa dopo numero occupato",
        [RetryDelayNoAnswer] = "Attesa dopo mancata risposta",
        [RetryDelayMachine] = "Attesa dopo segreteria telefonica",
        [NumberFlagged] = "Numero segnalato come non valido",
        [Objection] = "Opposizione al contatto registrata",
        [AbandonedCoolOff] = "Pausa dopo una chiamata abbandonata",
        [CallbackScheduled] = "Richiamata programmata",
        [NoOperatorAvailable] = "Nessun operatore disponibile",
        [TelephonyPaused] = "Telefonia in pausa",
        [CampaignInactive] = "Campagna non attiva",
        [ContactExpired] = "Contatto scaduto",
        [SkippedByOperator] = "Saltato dall'operatore",
        [NotPlacedReconciled] = "Chiamata non partita (verificato presso il provider), nuovo tentativo tra poco",
    };

    /// <summary>The Italian label of a reason; an unknown code is shown as itself rather than hidden.</summary>
    public static string Label(string reason) => Labels.TryGetValue(reason, out var label) ? label : reason;
}
