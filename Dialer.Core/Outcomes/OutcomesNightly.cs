using Hangfire;
using Microsoft.Extensions.Logging;

namespace Dialer.Core.Outcomes;

/// <summary>
/// The nightly pass over the outcomes ledger (docs/outcomes.md "Upkeep"): every entry recomputed, because retention
/// milestones (3 and 6 months after a placement's start) and the hirings that have started come due by the date alone,
/// and because a dialing event lost in a crash must not leave the funnel wrong for more than a night.
/// <see cref="Schedule"/> makes it the Hangfire recurring job <see cref="JobId"/>, which the worker registers at start.
/// </summary>
public sealed class OutcomesNightly(OutcomeLedger ledger, ILogger<OutcomesNightly> logger)
{
    public const string JobId = "outcomes-nightly";

    /// <summary>04:00 in Europe/Rome: after the nightly selections and the audit purge, before the first calls.</summary>
    public const string Cron = "0 4 * * *";

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var changed = await ledger.RefreshAsync(LedgerScope.All, null, ct);
        logger.LogInformation("Outcomes ledger recomputed: {Changed} entries changed", changed);
        return changed;
    }

    /// <summary>Adds (or updates) the recurring job.</summary>
    public static void Schedule(IRecurringJobManagerV2 recurringJobs) =>
        recurringJobs.AddOrUpdate<OutcomesNightlyJob>(JobId, job => job.RunAsync(CancellationToken.None), Cron,
            new RecurringJobOptions { TimeZone = ItalianTime.Rome, MisfireHandling = MisfireHandlingMode.Relaxed });
}

/// <summary>The nightly pass as Hangfire performs it; running it twice changes nothing the first did not.</summary>
public sealed class OutcomesNightlyJob(OutcomesNightly nightly)
{
    [AutomaticRetry(Attempts = 6, DelaysInSeconds = [60, 300, 900, 1800, 3600, 7200], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    [JobDisplayName("Outcomes ledger nightly pass")]
    public Task RunAsync(CancellationToken ct) => nightly.RunAsync(ct);
}
