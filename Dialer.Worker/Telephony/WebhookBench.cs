using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net;
using System.Text;
using Dialer.Core.Telephony;
using Dialer.Worker.CommandLine;
using Dialer.Worker.Telephony.Emulator;

namespace Dialer.Worker.Telephony;

/// <summary>
/// `dialer bench webhooks`: signed status callbacks per second through the real API on Kestrel, with durable
/// writes (one transaction per callback, then group commit), against the same endpoint with the write disabled,
/// measured in the same run (docs/performance-targets.md §4 and §7).
/// </summary>
static class WebhookBench
{
    const string ScratchSuffix = "bench_webhooks";

    // Each call sends the four progress callbacks a call subscribed to all events sends (docs/twilio-reference.md §2.2).
    static readonly string[] Statuses = [CallStatus.Initiated, CallStatus.Ringing, CallStatus.InProgress, CallStatus.Completed];

    public static Command Command()
    {
        var requests = new Option<int>("--requests") { Description = "Callbacks per variant (after a warm-up).", DefaultValueFactory = _ => 20_000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Concurrent HTTP connections.", DefaultValueFactory = _ => 64 };
        var rounds = new Option<int>("--rounds")
        {
            Description = "Rounds of the three variants, in turn; each variant's median round is reported (a shared machine is noisy).",
            DefaultValueFactory = _ => 3,
        };
        var command = new Command("webhooks", "Signed Twilio status callbacks per second through the real API on Kestrel: no database write " +
            "(baseline), one durable transaction per callback, and group commit; req/s, p50, p99 and ratios to the baseline. " +
            "Runs in a scratch database <database>_bench_webhooks on the configured (or embedded) server, dropped afterwards.")
        {
            requests,
            concurrency,
            rounds,
        };
        command.SetAction(async (parse, ct) =>
        {
            var n = parse.GetValue(requests);
            var c = parse.GetValue(concurrency);
            var r = parse.GetValue(rounds);
            if (n < 100 || c < 1 || r < 1) throw new ArgumentException("--requests must be at least 100, --concurrency and --rounds at least 1.");
            return await RunAsync(n, c, r, ct);
        });
        return command;
    }

    static async Task<int> RunAsync(int requests, int concurrency, int rounds, CancellationToken ct)
    {
        var setup = CommandHost.CreateBuilder();
        await using var database = await CommandHost.AttachDatabaseAsync(setup, ct);
        // Pool large enough for one connection per concurrent request in the per-callback variant.
        var scratch = await BenchApiHost.CreateScratchAsync(database.ConnectionString, ScratchSuffix, ct, maxPoolSize: 100);
        try
        {
            Console.Out.WriteLine($"Webhook bench: {requests:N0} signed status callbacks per variant and round, {concurrency} connections, " +
                $"{rounds} round(s), {Environment.ProcessorCount} cores shared by client, API and PostgreSQL.");
            (string Name, StatusWrites Writes)[] variants =
            [
                ("no database write (baseline)", StatusWrites.Disabled),
                ("one transaction per callback", StatusWrites.PerRequest),
                ("group commit", StatusWrites.GroupCommit),
            ];
            var runs = variants.Select(_ => new List<Result>()).ToArray();
            for (var round = 0; round < rounds; round++)
            {
                // The order rotates each round, so no variant always runs first (cold) or last.
                for (var k = 0; k < variants.Length; k++)
                {
                    var v = (k + round) % variants.Length;
                    runs[v].Add(await RunVariantAsync(scratch, variants[v].Writes, requests, concurrency, ct));
                }
            }
            var results = variants.Select((v, i) => (v.Name, Result: Median(runs[i]))).ToList();

            var baseline = results[0].Result;
            Console.Out.WriteLine();
            Console.Out.WriteLine($"{"variant",-30} {"req/s",9} {"p50 ms",8} {"p99 ms",8} {"errors",7} {"stored",8} {"vs baseline",12}");
            foreach (var (name, r) in results)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-30} {r.PerSecond,9:N0} {r.P50,8:0.0} {r.P99,8:0.0} {r.Errors,7} {r.Stored,8:N0} {r.PerSecond / baseline.PerSecond,11:0.00}x"));
            }
            var perRequest = results[1].Result;
            var group = results[2].Result;
            Console.Out.WriteLine();
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Goal: durable ≥ 2,000/s with p99 ≤ 100 ms: per callback {Verdict(perRequest.PerSecond >= 2000 && perRequest.P99 <= 100)}, group commit {Verdict(group.PerSecond >= 2000 && group.P99 <= 100)}."));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Stretch: group commit ≥ 8,000/s: {Verdict(group.PerSecond >= 8000)} ({group.PerSecond / perRequest.PerSecond:0.0}x one transaction per callback)."));
            return runs.Any(list => list.Any(r => r.Errors > 0)) ? 1 : 0;
        }
        finally
        {
            await BenchApiHost.DropScratchAsync(database.ConnectionString, ScratchSuffix, ct);
        }
    }

    static string Verdict(bool met) => met ? "met" : "NOT met";

    static Result Median(List<Result> runs) => runs.OrderBy(r => r.PerSecond).ElementAt(runs.Count / 2);

    static async Task<Result> RunVariantAsync(string connectionString, StatusWrites writes, int requests, int concurrency, CancellationToken ct)
    {
        var (host, address) = await BenchApiHost.StartApiAsync(connectionString,
            new Dictionary<string, string?> { ["Telephony:StatusWrites"] = writes.ToString() }, null, ct);
        await using var app = host;

        await TruncateAsync(connectionString, ct);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = address,
        };
        var warmUp = Math.Min(2_000, requests / 5);
        await SendAsync(http, Callbacks(warmUp, "w"), concurrency, ct);
        await TruncateAsync(connectionString, ct);

        var callbacks = Callbacks(requests, "m");
        var started = Stopwatch.GetTimestamp();
        var (latencies, errors) = await SendAsync(http, callbacks, concurrency, ct);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var stored = await CountEventsAsync(connectionString, ct);
        await app.StopAsync(ct);

        Array.Sort(latencies);
        var result = new Result(requests / elapsed.TotalSeconds, BenchApiHost.Percentile(latencies, 0.50), BenchApiHost.Percentile(latencies, 0.99), errors, stored);
        TerminalProgress.Step(string.Create(CultureInfo.InvariantCulture,
            $"  {writes,-12} {result.PerSecond,9:N0} req/s  p50 {result.P50:0.0} ms  p99 {result.P99:0.0} ms  errors {errors}  stored {stored:N0}"));
        return result;
    }

    /// <summary>Signed bodies prepared before the clock starts, so the client's signing is not measured.</summary>
    static List<Callback> Callbacks(int count, string prefix)
    {
        var list = new List<Callback>(count);
        for (var i = 0; i < count; i++)
        {
            var call = i / Statuses.Length;
            var sequence = i % Statuses.Length;
            var callSid = $"CA{prefix}{call:x31}";
            var attempt = $"bench-{prefix}-{call}";
            KeyValuePair<string, string>[] form =
            [
                new("AccountSid", TwilioOptions.EmulatorAccountSid),
                new("ApiVersion", "2010-04-01"),
                new("CallSid", callSid),
                new("CallStatus", Statuses[sequence]),
                new("CallbackSource", "call-progress-events"),
                new("Called", "+393331234567"),
                new("Caller", TwilioOptions.EmulatorFrom),
                new("Direction", "outbound-api"),
                new("From", TwilioOptions.EmulatorFrom),
                new("SequenceNumber", sequence.ToString(CultureInfo.InvariantCulture)),
                new("Timestamp", "Sat, 21 Nov 2026 20:00:00 +0000"),
                new("To", "+393331234567"),
            ];
            var path = $"{TwilioWebhookUrls.Status}?{TwilioWebhookUrls.AttemptParameter}={attempt}";
            var signature = WebhookSignature.Compute(TwilioOptions.EmulatorAuthToken, TwilioOptions.EmulatorPublicBaseUrl + path, form);
            var body = Encoding.UTF8.GetBytes(string.Join('&', form.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}")));
            list.Add(new Callback(path, body, signature));
        }
        return list;
    }

    static async Task<(double[] Latencies, int Errors)> SendAsync(HttpClient http, List<Callback> callbacks, int concurrency, CancellationToken ct)
    {
        var latencies = new double[callbacks.Count];
        var next = -1;
        var errors = 0;
        var contentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded") { CharSet = "UTF-8" };
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < callbacks.Count)
            {
                var callback = callbacks[i];
                using var request = new HttpRequestMessage(HttpMethod.Post, callback.Path) { Content = new ByteArrayContent(callback.Body) };
                request.Content.Headers.ContentType = contentType;
                request.Headers.Add("X-Twilio-Signature", callback.Signature);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.SendAsync(request, ct);
                    if (response.StatusCode != HttpStatusCode.NoContent) Interlocked.Increment(ref errors);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }, ct)));
        return (latencies, errors);
    }

    static async Task TruncateAsync(string connectionString, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("TRUNCATE provider_calls, provider_call_events", cancellationToken: ct));
    }

    static async Task<long> CountEventsAsync(string connectionString, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        return await conn.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM provider_call_events", cancellationToken: ct));
    }

    sealed record Callback(string Path, byte[] Body, string Signature);

    sealed record Result(double PerSecond, double P50, double P99, int Errors, long Stored);
}
