using Dialer.Core.Campaigns;
using Dialer.Core.Dialing.Policy;
using Dialer.Core.Dialing.Queue;
using Dialer.Core.Dialing;
using Dialer.Core.Operators;
using Dialer.Core.Outcomes;
using Dialer.Core.Telephony;
using Microsoft.Extensions.Options;

namespace Dialer.Worker.Dialing;

/// <summary>
/// The worker's dialing loop. Each turn, for every active campaign: moves newly selected people from the contact list
/// into the queue, and in progressive mode dials for every available operator. Between turns it sleeps until the queue
/// notifies new work (LISTEN/NOTIFY) or the poll interval passes. Every half minute it also enforces the wrap-up limit
/// and sweeps attempts an event or a crash left unsettled: creates never confirmed are reconciled (never re-sent), and
/// final statuses not yet applied are applied. Any number of workers may run it at once.
/// </summary>
public sealed class DialingLoop(IServiceProvider services, IOptions<DialingOptions> options, TimeProvider time, ILogger<DialingLoop> logger)
    : BackgroundService
{
    static readonly TimeSpan FeedEvery = TimeSpan.FromMinutes(1);
    static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait after failed turns: a database or Twilio outage is retried at least every 2 minutes.</summary>
    public static readonly TimeSpan MaxErrorBackoff = TimeSpan.FromMinutes(2);

    readonly string workerId = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
    readonly Dictionary<long, DateTimeOffset> fedAt = [];
    DateTimeOffset sweptAt = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            logger.LogInformation("Dialing is disabled on this worker (Dialing:Enabled=false)");
            return;
        }
        logger.LogInformation("Dialing loop started as {WorkerId}", workerId);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var wakeOn = await TurnAsync(stoppingToken);
                failures = 0;
                await using var scope = services.CreateAsyncScope();
                var queue = scope.ServiceProvider.GetRequiredService<CallQueue>();
                if (wakeOn is { } campaignId) await queue.WaitForWorkAsync(campaignId, options.Value.PollInterval, stoppingToken);
                else await Task.Delay(options.Value.PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Whatever failed (the database, Twilio, a bug), this turn is over and the loop goes on: an exception that
                // left ExecuteAsync would stop the host. Nothing is retried blindly: the next turn starts from the database,
                // and the sweep settles what this one left. The message is not logged: it may quote a value (a number, a
                // codice fiscale in a constraint's detail); the type and the stack trace (code only) say where.
                failures++;
                var backoff = ErrorBackoff(options.Value.PollInterval, failures);
                logger.LogError("Dialing turn failed with {ExceptionType} ({Failures} in a row); next turn in {Backoff}. {StackTrace}",
                    ex.GetType().FullName, failures, backoff, ex.StackTrace);
                try
                {
                    await Task.Delay(backoff, time, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
            }
        }
    }

    /// <summary>
    /// The wait after the <paramref name="failures"/>-th failed turn in a row: the poll interval, doubled at each further
    /// failure, at most <see cref="MaxErrorBackoff"/> (or the poll interval, if that is longer).
    /// </summary>
    public static TimeSpan ErrorBackoff(TimeSpan pollInterval, int failures)
    {
        var bound = pollInterval > MaxErrorBackoff ? pollInterval : MaxErrorBackoff;
        var doublings = Math.Clamp(failures - 1, 0, 20);
        var wait = pollInterval * Math.Pow(2, doublings);
        return wait < bound ? wait : bound;
    }

    /// <summary>One turn; returns a progressive campaign whose queue notifications should end the wait, if any.</summary>
    async Task<long?> TurnAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var now = time.GetUtcNow();
        var campaigns = await sp.GetRequiredService<DialingCampaigns>().ActiveAsync(ct);
        var queue = sp.GetRequiredService<CallQueue>();
        var dialer = sp.GetRequiredService<ProgressiveDialer>();
        long? wakeOn = null;
        foreach (var campaign in campaigns)
        {
            if (!fedAt.TryGetValue(campaign.Id, out var fed) || now - fed >= FeedEvery)
            {
                await queue.FeedFromContactListAsync(campaign.Id, ct);   // logs how many it queued
                fedAt[campaign.Id] = now;
            }
            if (campaign.Settings.Mode != DialingMode.Progressive) continue;
            wakeOn ??= campaign.Id;
            // Keep dialing while calls go out: each round uses the operators that are available now.
            while (await dialer.RunRoundAsync(campaign, workerId, ct) > 0) { }
        }
        if (now - sweptAt >= SweepEvery)
        {
            await SweepAsync(sp, now, ct);
            sweptAt = now;
        }
        return wakeOn;
    }

    async Task SweepAsync(IServiceProvider sp, DateTimeOffset now, CancellationToken ct)
    {
        var attempts = sp.GetRequiredService<CallAttempts>();
        var outcomes = sp.GetRequiredService<AttemptOutcomes>();
        var placer = sp.GetRequiredService<CallPlacer>();
        var campaigns = sp.GetRequiredService<DialingCampaigns>();
        // An attempt whose create was never sent (its worker stopped between the claim and the create) is settled without
        // listing Twilio's calls: any call to that number now is one another worker has placed to the person since
        // (docs/dialing-safety.md).
        foreach (var attempt in await attempts.UnsentAsync(now - options.Value.ReconcileAfter, ct))
        {
            if (await attempts.AbandonUnsentAsync(attempt.Id, ct) && await attempts.FindAsync(attempt.Id, ct) is { } settled)
                await outcomes.NotPlacedAsync(new PlacementResult(settled, false, "never sent", false, Reconciled: true), ct);
        }
        foreach (var attempt in await attempts.UnconfirmedAsync(now - options.Value.ReconcileAfter, ct))
        {
            var callerId = (await campaigns.FindAsync(attempt.CampaignId, ct))?.Campaign.Definition.CallerId;
            var request = new CallRequest(attempt.AttemptKey, attempt.PhoneE164) { From = callerId };
            var result = await placer.ReconcileAsync(attempt, request, new DateTimeOffset(DateTime.SpecifyKind(attempt.CreatedAt, DateTimeKind.Utc)));
            if (!result.Placed) await outcomes.NotPlacedAsync(result, ct);
        }
        foreach (var id in await attempts.EndedUnappliedAsync(ct)) await outcomes.ApplyAsync(id, ct);

        // A preview nobody called nor skipped within its lease: the contact has gone back to the queue with the lease;
        // the preview is closed as skipped and the operator, still reserved for it, is free again.
        var roster = sp.GetRequiredService<OperatorRoster>();
        await roster.EnforceWrapUpLimitsAsync(now, ct);
        foreach (var preview in await attempts.StalePreviewsAsync(now - options.Value.PreviewLease, ct))
        {
            if (await attempts.SkipAsync(preview.Id, ct) && preview.OperatorId is { } op) await roster.FreeAsync(op, preview.Id, ct);
        }

        // Call-backs still only scheduled when due: the disposition's event never reached a consumer (a crash). Queue them now.
        var queue = sp.GetRequiredService<CallQueue>();
        foreach (var callback in await sp.GetRequiredService<CallbackList>().TakeDueAsync(100, ct))
        {
            if (await attempts.FindAsync(callback.AttemptId, ct) is { QueueId: { } queueId })
                await queue.ReopenAsync(queueId, now, PolicyReasons.CallbackScheduled, ct);
        }
    }
}
