using Dialer.Core.Campaigns;
using Dialer.Core.Dialing.Queue;
using Dialer.Core.Dialing;
using Dialer.Core.Operators;
using Dialer.Core.Outcomes;
using Microsoft.Extensions.Options;

namespace Dialer.Worker.Dialing;

/// <summary>
/// The worker's dialing loop, thin by design (the work is in Core: <see cref="DialingRound"/> and
/// <see cref="OutcomeSweep"/>). Each turn, for every active campaign: moves newly selected people from the contact list
/// into the queue, and in progressive mode runs rounds while calls go out. Between turns it sleeps until the queue
/// notifies new work (LISTEN/NOTIFY) or the poll interval passes; every half minute it runs the sweep. Any number of
/// workers may run it at once.
/// </summary>
public sealed class DialingLoop(DialingCampaigns campaigns, CallQueue queue, DialingRound round, OutcomeSweep sweep, OperatorRoster roster,
    IOptions<DialingOptions> options, TimeProvider time, ILogger<DialingLoop> logger)
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
                var (wakeOn, operatorsWaiting) = await TurnAsync(stoppingToken);
                failures = 0;
                // While operators wait, due work wakes the loop at once; while all are busy, only a NOTIFY does (an operator
                // freed, work added) or the poll: due work that nobody can take would otherwise spin the loop.
                if (wakeOn is not { } campaignId) await Task.Delay(options.Value.PollInterval, time, stoppingToken);
                else if (operatorsWaiting) await queue.WaitForWorkAsync(campaignId, options.Value.PollInterval, stoppingToken);
                else await queue.WaitForNotifyAsync(campaignId, options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                // The host is being torn down around the loop (e.g. `dialer demo` refused to start on a busy port after
                // the loop had begun a turn): its services are gone, so there is no turn to retry.
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

    /// <summary>
    /// One turn; returns a progressive campaign whose queue notifications should end the wait, if any, and whether any
    /// of its operators is still available (waiting for work) after the rounds.
    /// </summary>
    async Task<(long? WakeOn, bool OperatorsWaiting)> TurnAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        long? wakeOn = null;
        var operatorsWaiting = false;
        foreach (var campaign in await campaigns.ActiveAsync(ct))
        {
            if (!fedAt.TryGetValue(campaign.Id, out var fed) || now - fed >= FeedEvery)
            {
                await queue.FeedFromContactListAsync(campaign.Id, ct);   // logs how many it queued
                fedAt[campaign.Id] = now;
            }
            if (campaign.Settings.Mode != DialingMode.Progressive) continue;
            // Keep dialing while calls go out: each round uses the operators that are available now.
            while (await round.RunAsync(campaign, workerId, ct) > 0) { }
            if (wakeOn is null)
            {
                wakeOn = campaign.Id;
                operatorsWaiting = await roster.CountAvailableAsync(campaign.Id, ct) > 0;
            }
        }
        if (now - sweptAt >= SweepEvery)
        {
            await sweep.RunAsync(now, ct);
            sweptAt = now;
        }
        return (wakeOn, operatorsWaiting);
    }
}
