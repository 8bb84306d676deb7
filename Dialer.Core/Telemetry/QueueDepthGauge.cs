using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;

namespace Dialer.Core.Telemetry;

/// <summary>
/// <c>dialer.queue.depth</c>: contacts in each campaign's call queue, read from PostgreSQL when the metrics are collected
/// (once per export interval). Reported by the worker only, so that one number exists per campaign and bucket.
/// </summary>
/// <remarks>
/// Counts the two narrow side tables of the queue (call_queue_ready and call_queue_delayed, index-only), never the
/// wide call_queue: cheap at any queue size. A hosted service only so that the worker creates it at start.
/// </remarks>
public sealed class QueueDepthGauge(DialerMetrics metrics, NpgsqlDataSource db) : IHostedService
{
    const string Sql = """
        SELECT c.id AS CampaignId,
               (SELECT count(*) FROM call_queue_ready r WHERE r.campaign_id = c.id) AS Due,
               (SELECT count(*) FROM call_queue_delayed d WHERE d.campaign_id = c.id) AS Waiting
        FROM   campaigns c
        """;

    ObservableGauge<long>? gauge;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        gauge ??= metrics.Meter.CreateObservableGauge("dialer.queue.depth", Observe, "{contact}",
            "Contacts in the call queue: due (dialable now, or being dialed) and waiting (a retry delay, a hold, a call-back).");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>One reading; none while the database cannot be reached (the readiness check says why).</summary>
    public IReadOnlyList<Measurement<long>> Observe()
    {
        try
        {
            using var conn = db.OpenConnection();
            var rows = conn.Query<(long CampaignId, long Due, long Waiting)>(new CommandDefinition(Sql, commandTimeout: 5));
            return rows.SelectMany(r => new[]
            {
                new Measurement<long>(r.Due, new(DialerMetrics.CampaignTag, r.CampaignId), new("dialer.queue.bucket", "due")),
                new Measurement<long>(r.Waiting, new(DialerMetrics.CampaignTag, r.CampaignId), new("dialer.queue.bucket", "waiting")),
            }).ToList();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return [];
        }
    }
}
