using System.Globalization;
using Dialer.Core.Campaigns;
using Dialer.Core.Dialing.Policy;
using Dialer.Core.Dialing.Queue;
using Dialer.Core.Operators;
using Dialer.Core.Outcomes;
using Microsoft.Extensions.Options;

namespace Dialer.Core.Dialing;

/// <summary>What an operator sees before deciding to call (preview mode): the person, the last job, the script.</summary>
public sealed record PreviewContact(
    long AttemptId,
    string Campaign,
    string CampaignName,
    string PersonName,
    int? Age,
    string? Comune,
    string PhoneMasked,
    string? LastContractType,
    DateOnly? LastEndOn,
    bool IsCallback,
    string Script,
    DateTimeOffset ExpiresAt);

/// <summary>Why an operator skipped a preview, with what follows for the contact.</summary>
public sealed record SkipReason(string Code, string Label, bool Finishes);

/// <summary>
/// Preview mode: the operator asks for the next person, reads the card and the script, then presses Call or Skip (with
/// a reason). The contact is claimed from the queue with a preview lease and the operator reserved for it, so nobody
/// else can dial the person meanwhile; an abandoned preview comes back when its lease ends.
/// </summary>
public sealed class PreviewDialer(CallQueue queue, OperatorRoster roster, OperatorDirectory directory, CallAttempts attempts, ContactHistory history,
    ContactScreening screening,
    CallPlacer placer, AttemptOutcomes outcomes, DialingCampaigns campaigns, NpgsqlDataSource db, IOptions<DialingOptions> options, TimeProvider time)
{
    public static readonly IReadOnlyList<SkipReason> SkipReasons =
    [
        new("later", "Da proporre più tardi", false),
        new("already_in_charge", "Già seguito dal Centro per l'Impiego", true),
        new("data_to_check", "Dati da verificare prima di chiamare", true),
    ];

    // A preview is claimed, checked against the policy and, if refused, the next one is tried: at most this many per request.
    const int MaxClaimsPerRequest = 10;

    /// <summary>The next person for this operator, from the active preview campaigns they may work; null when there is none now.</summary>
    public async Task<PreviewContact?> NextAsync(string identity, CancellationToken ct)
    {
        var who = await directory.FindAsync(identity, ct) ?? throw new OperatorNotFoundException(identity);
        var now = time.GetUtcNow();
        var patron = await campaigns.PatronComuniTodayAsync(now, ct);
        var claims = 0;
        foreach (var campaign in await campaigns.ActiveAsync(ct))
        {
            if (campaign.Settings.Mode != DialingMode.Preview || !campaign.Policy.Calendar.IsOpen(now, null)) continue;
            while (claims++ < MaxClaimsPerRequest)
            {
                var claimed = await queue.ClaimAsync(new ClaimRequest(campaign.Id, $"preview:{who.Identity}", 1, options.Value.PreviewLease,
                    campaign.Guards(patron)), ct);
                if (claimed.Count == 0) break;
                var contact = claimed[0];
                if (await screening.ScreenAsync(campaign, contact, now, ct) is not { } facts) continue;
                var attempt = await attempts.CreateAsync(new NewAttempt(campaign.Id, contact.QueueId, contact.LeaseToken, contact.PersonCf,
                    contact.PhoneE164, "preview", null, facts.CallbackAt is not null), ct);
                if (await roster.TryReserveAsync(who.Identity, campaign.Id, attempt.Id, ct) is null)
                {
                    // Not available (paused, on a call, owing a disposition) or not allowed on this campaign.
                    await attempts.DiscardAsync(attempt.Id, ct);
                    await queue.CompleteAsync([QueueCompletion.Release(contact, now)], ct);
                    break;
                }
                return await CardAsync(attempt.Id, campaign, contact, facts.CallbackAt is not null, ct);
            }
        }
        return null;
    }

    /// <summary>The operator pressed Call: exactly one create for this preview.</summary>
    public async Task<PlacementResult> CallAsync(string identity, long attemptId, CancellationToken ct)
    {
        var (attempt, campaign) = await OwnPreviewAsync(identity, attemptId, ct);
        if (!await attempts.StartDialingAsync(attempt.Id, ct))
            throw new PresenceMoveRefusedException($"La chiamata {attemptId} è già stata avviata o scartata.");
        if (!await queue.ExtendLeaseAsync(attempt.QueueId!.Value, attempt.QueueLease!.Value, ProgressiveDialer.CallLease, ct))
        {
            // The card stayed on screen past Dialing:PreviewLease: the contact went back to the queue and another operator
            // may have it now. Nothing is sent; this operator is free again (docs/dialing-safety.md).
            await attempts.MarkNotPlacedAsync(attempt.Id, ct);
            await roster.ReleaseAsync(attempt.OperatorId!.Value, attempt.Id, ct);
            throw new PresenceMoveRefusedException($"L'anteprima {attemptId} è scaduta e la persona è tornata in coda: chiedere la prossima.");
        }
        var who = (await directory.FindAsync(identity, ct))!;
        var operatorTarget = who.PhoneE164 ?? $"client:{who.Identity}";
        var result = await placer.PlaceAsync((await attempts.FindAsync(attempt.Id, ct))!, operatorTarget, campaign.Campaign.Definition.CallerId,
            TimeSpan.FromSeconds(campaign.Settings.RingTimeoutSeconds), ct);
        if (!result.Placed) await outcomes.NotPlacedAsync(result, ct);
        else await history.CallbacksDoneAsync(campaign.Id, attempt.PersonCf, ct);
        return result;
    }

    /// <summary>The operator pressed Skip: nobody is called; the contact finishes or comes back the next day, as the reason says.</summary>
    public async Task SkipAsync(string identity, long attemptId, string reason, CancellationToken ct)
    {
        var skip = SkipReasons.FirstOrDefault(r => r.Code == reason)
            ?? throw new SkipReasonException(reason, SkipReasons);
        var (attempt, campaign) = await OwnPreviewAsync(identity, attemptId, ct);
        if (!await attempts.SkipAsync(attempt.Id, ct))
            throw new PresenceMoveRefusedException($"La chiamata {attemptId} è già stata avviata o scartata.");
        await SetSkipReasonAsync(attempt.Id, skip.Code, ct);
        await roster.ReleaseAsync(attempt.OperatorId!.Value, attempt.Id, ct);
        var now = time.GetUtcNow();
        var lease = attempt.QueueLease!.Value;
        var completion = skip.Finishes
            ? new QueueCompletion(attempt.QueueId!.Value, lease, QueueCompletionKind.Finish, PolicyReasons.SkippedByOperator, null)
            : new QueueCompletion(attempt.QueueId!.Value, lease, QueueCompletionKind.Hold, PolicyReasons.SkippedByOperator,
                campaign.Policy.Calendar.NextOpening(CallingCalendar.StartOfNextLocalDay(now), null));
        await queue.CompleteAsync([completion], ct);
    }

    async Task<(CallAttempt Attempt, DialingCampaign Campaign)> OwnPreviewAsync(string identity, long attemptId, CancellationToken ct)
    {
        var who = await directory.FindAsync(identity, ct) ?? throw new OperatorNotFoundException(identity);
        var attempt = await attempts.FindAsync(attemptId, ct);
        if (attempt is null || attempt.Mode != "preview" || attempt.OperatorId != who.Id)
            throw new PresenceMoveRefusedException($"La chiamata {attemptId} non è un'anteprima assegnata a {identity}.");
        var campaign = await campaigns.FindAsync(attempt.CampaignId, ct)
            ?? throw new PresenceMoveRefusedException($"La campagna della chiamata {attemptId} non esiste più.");
        return (attempt, campaign);
    }

    async Task SetSkipReasonAsync(long attemptId, string reason, CancellationToken ct)
    {
        const string sql = "UPDATE call_attempts SET skip_reason = @reason WHERE id = @attemptId";
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { attemptId, reason }, cancellationToken: ct));
    }

    async Task<PreviewContact> CardAsync(long attemptId, DialingCampaign campaign, ClaimedContact contact, bool isCallback, CancellationToken ct)
    {
        const string sql = """
            SELECT coalesce(initcap(p.name) || ' ' || initcap(p.surname), '') AS Name, p.birth_on AS BirthOn,
                   p.domicile_comune AS Comune, p.last_contract_type AS LastContractType, p.last_end_on AS LastEndOn
            FROM   people p
            WHERE  p.cf = @cf
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var person = await conn.QuerySingleOrDefaultAsync<PersonRow>(new CommandDefinition(sql, new { cf = contact.PersonCf }, cancellationToken: ct))
            ?? new PersonRow("", null, contact.ComuneCode, null, null);
        var today = CallingCalendar.LocalDate(time.GetUtcNow());
        int? age = person.BirthOn is { } b ? today.Year - b.Year - (today < b.AddYears(today.Year - b.Year) ? 1 : 0) : null;
        return new PreviewContact(attemptId, campaign.Campaign.Slug, campaign.Campaign.Name, person.Name, age, person.Comune ?? contact.ComuneCode,
            MaskPhone(contact.PhoneE164), person.LastContractType, person.LastEndOn, isCallback, Script(campaign, person.Name),
            contact.LeaseExpiresAt);
    }

    /// <summary>The number as an operator sees it before calling: country, operator prefix and the last two digits.</summary>
    public static string MaskPhone(string e164) =>
        e164.Length < 8 ? "••••" : string.Create(CultureInfo.InvariantCulture, $"{e164[..3]} {e164[3..6]} ••• ••{e164[^2..]}");

    /// <summary>The opening the operator reads, with the information notice due at first contact (GDPR art. 14, docs/domain.md §4.1).</summary>
    static string Script(DialingCampaign campaign, string personName) => string.Create(CultureInfo.InvariantCulture, $"""
        Buongiorno{(personName.Length > 0 ? ", parlo con " + personName : "")}? Sono un operatore del Centro per l'Impiego della Città metropolitana di Milano (campagna "{campaign.Campaign.Name}").
        La chiamiamo perché dai dati delle comunicazioni obbligatorie risulta che il suo ultimo rapporto di lavoro si è concluso: vorremmo offrirle, gratuitamente, i servizi per tornare al lavoro (orientamento, formazione, offerte).
        Informativa: i suoi dati provengono dalle comunicazioni obbligatorie dei datori di lavoro e sono trattati dalla Città metropolitana per i compiti di servizio pubblico (art. 6.1.e e art. 14 GDPR). Può opporsi in qualsiasi momento e non la richiameremo. L'informativa completa è sul sito di Afol Metropolitana.
        Le interessa fissare un primo colloquio presso il Centro per l'Impiego?
        """);

    sealed record PersonRow(string Name, DateOnly? BirthOn, string? Comune, string? LastContractType, DateOnly? LastEndOn);
}

/// <summary>A skip whose reason is not one of <see cref="PreviewDialer.SkipReasons"/>; <see cref="Errors"/> names the field.</summary>
public sealed class SkipReasonException(string? reason, IEnumerable<SkipReason> reasons)
    : Exception($"\"{reason}\" is not a skip reason.")
{
    public IReadOnlyList<string> Errors { get; } =
        [$"reason: \"{reason}\" is not a skip reason: use one of {string.Join(", ", reasons.Select(r => r.Code))}."];
}
