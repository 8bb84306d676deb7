using Dialer.Core.Campaigns;
using Dialer.Core.Dialing.Policy;
using Dialer.Core.Dialing.Queue;
using Dialer.Core.Operators;
using Microsoft.Extensions.Options;

namespace Dialer.Core.Dialing;

/// <summary>
/// What an operator sees before deciding to call (preview mode): the person, the last job, the script.
/// <see cref="Script"/> is the opening and the privacy notice together; <see cref="Opening"/> and <see cref="PrivacyNotice"/>
/// apart, from the campaign's script with the merge fields filled in.
/// </summary>
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
    DateTimeOffset ExpiresAt,
    string? Opening = null,
    string? PrivacyNotice = null);

/// <summary>Why an operator skipped a preview, with what follows for the contact.</summary>
public sealed record SkipReason(string Code, [property: System.Text.Json.Serialization.JsonIgnore] string Italian, [property: System.Text.Json.Serialization.JsonIgnore] string English, bool Finishes)
{
    public string Label => Text.T(Italian, English);
}

/// <summary>
/// Preview mode: the operator asks for the next person, reads the card and the script, then presses Call or Skip (with
/// a reason). The contact is claimed from the queue with a preview lease and the operator reserved for it, so nobody
/// else can dial the person meanwhile; an abandoned preview comes back when its lease ends.
/// </summary>
public sealed class PreviewDialer(CallQueue queue, OperatorRoster roster, OperatorDirectory directory, CallAttempts attempts, DialSequence sequence,
    DialingCampaigns campaigns, PreviewCards cards, IOptions<DialingOptions> options, TimeProvider time)
{
    public static readonly IReadOnlyList<SkipReason> SkipReasons =
    [
        new("later", "Da proporre più tardi", "To offer later", false),
        new("already_in_charge", "Già seguito dal Centro per l'Impiego", "Already followed by the job centre", true),
        new("data_to_check", "Dati da verificare prima di chiamare", "Data to check before calling", true),
    ];

    // A preview is claimed, checked against the policy and, if refused, the next one is tried: at most this many per request.
    const int MaxClaimsPerRequest = 10;

    /// <summary>The next person for this operator, from the active preview campaigns they may work; null when there is none now.</summary>
    public async Task<PreviewContact?> NextAsync(string identity, CancellationToken ct)
    {
        var who = await directory.FindAsync(identity, ct) ?? throw new OperatorNotFoundException(identity);
        var now = time.GetUtcNow();
        var claims = 0;
        foreach (var campaign in await campaigns.ActiveAsync(ct))
        {
            if (campaign.Settings.Mode != DialingMode.Preview || !campaign.Policy.Calendar.IsOpen(now, null)) continue;
            while (claims++ < MaxClaimsPerRequest)
            {
                var claimed = await queue.ClaimAsync(new ClaimRequest(campaign.Id, $"preview:{who.Identity}", 1, options.Value.PreviewLease), ct);
                if (claimed.Count == 0) break;
                var contact = claimed[0];
                if (await sequence.OpenAsync(campaign, contact, "preview", now, ct) is not { } opened) continue;
                if (await roster.TryReserveAsync(who.Identity, campaign.Id, opened.Attempt.Id, ct) is null)
                {
                    // Not available (paused, on a call, owing a disposition) or not allowed on this campaign.
                    await sequence.GiveBackAsync(opened.Attempt, contact, now, ct);
                    break;
                }
                return await cards.CardAsync(opened.Attempt.Id, campaign, contact, opened.Facts.CallbackAt is not null, who.DisplayName, ct);
            }
        }
        return null;
    }

    /// <summary>The operator pressed Call: exactly one create for this preview.</summary>
    public async Task<PlacementResult> CallAsync(string identity, long attemptId, CancellationToken ct)
    {
        var (who, attempt, campaign) = await OwnPreviewAsync(identity, attemptId, ct);
        if (!await attempts.StartDialingAsync(attempt.Id, ct))
            throw new PresenceMoveRefusedException(Text.T($"La chiamata {attemptId} è già stata avviata o scartata.", $"Call {attemptId} was already started or skipped."));
        var operatorTarget = who.PhoneE164 ?? $"client:{who.Identity}";
        // The card stayed on screen past Dialing:PreviewLease: the contact went back to the queue and another operator may
        // have it now. Nothing was sent; this operator is free again (docs/dialing-safety.md).
        return await sequence.DialAsync(campaign, attempt, attempt.OperatorId!.Value, operatorTarget, ct)
            ?? throw new PresenceMoveRefusedException(Text.T($"L'anteprima {attemptId} è scaduta e la persona è tornata in coda: chiedere la prossima.", $"Preview {attemptId} expired and the person went back to the queue: ask for the next one."));
    }

    /// <summary>The operator pressed Skip: nobody is called; the contact finishes or comes back the next day, as the reason says.</summary>
    public async Task SkipAsync(string identity, long attemptId, string reason, CancellationToken ct)
    {
        var skip = SkipReasons.FirstOrDefault(r => r.Code == reason)
            ?? throw new SkipReasonException(reason, SkipReasons);
        var (_, attempt, campaign) = await OwnPreviewAsync(identity, attemptId, ct);
        if (!await attempts.SkipAsync(attempt.Id, ct, skip.Code))
            throw new PresenceMoveRefusedException(Text.T($"La chiamata {attemptId} è già stata avviata o scartata.", $"Call {attemptId} was already started or skipped."));
        await roster.ReleaseAsync(attempt.OperatorId!.Value, attempt.Id, ct);
        var now = time.GetUtcNow();
        var lease = attempt.QueueLease!.Value;
        var completion = skip.Finishes
            ? new QueueCompletion(attempt.QueueId!.Value, lease, QueueCompletionKind.Finish, PolicyReasons.SkippedByOperator, null)
            : new QueueCompletion(attempt.QueueId!.Value, lease, QueueCompletionKind.Hold, PolicyReasons.SkippedByOperator,
                campaign.Policy.Calendar.NextOpening(CallingCalendar.StartOfNextLocalDay(now), null));
        await queue.CompleteAsync([completion], ct);
    }

    async Task<(Operator Who, CallAttempt Attempt, DialingCampaign Campaign)> OwnPreviewAsync(string identity, long attemptId, CancellationToken ct)
    {
        var who = await directory.FindAsync(identity, ct) ?? throw new OperatorNotFoundException(identity);
        var attempt = await attempts.FindAsync(attemptId, ct);
        if (attempt is null || attempt.Mode != "preview" || attempt.OperatorId != who.Id)
            throw new PresenceMoveRefusedException(Text.T($"La chiamata {attemptId} non è un'anteprima assegnata a {identity}.", $"Call {attemptId} is not a preview assigned to {identity}."));
        var campaign = await campaigns.FindAsync(attempt.CampaignId, ct)
            ?? throw new PresenceMoveRefusedException(Text.T($"La campagna della chiamata {attemptId} non esiste più.", $"The campaign of call {attemptId} no longer exists."));
        return (who, attempt, campaign);
    }
}

/// <summary>A skip whose reason is not one of <see cref="PreviewDialer.SkipReasons"/>; <see cref="Errors"/> names the field.</summary>
public sealed class SkipReasonException(string? reason, IEnumerable<SkipReason> reasons)
    : Exception(Text.T($"\"{reason}\" non è un motivo per saltare.", $"\"{reason}\" is not a reason to skip."))
{
    public IReadOnlyList<string> Errors { get; } =
        [$"reason: \"{reason}\" non è un motivo per saltare: uno tra {string.Join(", ", reasons.Select(r => r.Code))}."];
}
