using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dialer.Core.Telephony;

/// <summary>
/// After a create whose outcome is unknown (timeout, 5xx), finds out whether Twilio created the call, so that
/// nobody is rung twice (docs/twilio-reference.md §5.4). Never places a call itself: only a definite "not found" lets the
/// caller decide to dial again, with a new attempt id.
/// </summary>
public sealed class CallReconciler(ITelephonyClient client, ProviderCallStore calls, IOptions<TwilioOptions> options,
    TimeProvider time, ILogger<CallReconciler> logger)
{
    // Clocks differ between us and Twilio; a call created this long before our POST still counts as ours.
    static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Looks for the call of <paramref name="request"/>, attempted at <paramref name="attemptedAt"/>: first among the
    /// callbacks (they carry the attempt id), then in Twilio's list of calls to that number from our caller ID since
    /// the attempt, excluding calls a callback tied to another attempt. Lists up to <c>Twilio:ReconcileAttempts</c>
    /// times, because the list is eventually consistent.
    /// </summary>
    public async Task<Reconciliation> ReconcileAsync(CallRequest request, DateTimeOffset attemptedAt, CancellationToken ct)
    {
        var o = options.Value;
        for (var attempt = 1; ; attempt++)
        {
            var known = await calls.CallSidsOfAttemptAsync(request.AttemptId, ct);
            if (known.Count > 0) return Found(request, known, "a status callback carried the attempt id");

            // No StartTime> filter: a call still queued has no start_time and would be missed (§1.6).
            var listed = await client.ListCallsAsync(new CallFilter { To = request.To, From = request.From ?? o.From, PageSize = 50, MaxResults = 50 }, ct);
            var recent = listed.Where(c => c.ParentCallSid is null && (c.DateCreated is null || c.DateCreated >= attemptedAt - ClockSkew)).ToList();
            var owners = await calls.AttemptsOfAsync(recent.Select(c => c.Sid).ToList(), ct);
            var ours = recent
                .Where(c => !owners.TryGetValue(c.Sid, out var owner) || owner == request.AttemptId)
                .OrderBy(c => c.DateCreated ?? DateTimeOffset.MaxValue)
                .Select(c => c.Sid)
                .ToList();
            if (ours.Count > 0) return Found(request, ours, "listed by Twilio");

            if (attempt >= o.ReconcileAttempts)
            {
                logger.LogInformation("Attempt {AttemptId}: no call found after {Attempts} look-ups; it was not placed", request.AttemptId, attempt);
                return new Reconciliation(false, null, []);
            }
            await Task.Delay(o.ReconcileDelay, time, ct);
        }
    }

    Reconciliation Found(CallRequest request, IReadOnlyList<string> sids, string how)
    {
        logger.LogInformation("Attempt {AttemptId} reconciled to call {CallSid} ({How}); {Duplicates} duplicate(s)", request.AttemptId, sids[0], how, sids.Count - 1);
        return new Reconciliation(true, sids[0], sids.Skip(1).ToList());
    }
}

/// <summary>
/// <see cref="Found"/>: the call exists (<see cref="CallSid"/>). <see cref="Duplicates"/> are further calls for the same
/// attempt, which the caller should cancel (<see cref="ITelephonyClient.CancelAsync"/>) so the person is rung once.
/// </summary>
public sealed record Reconciliation(bool Found, string? CallSid, IReadOnlyList<string> Duplicates);
