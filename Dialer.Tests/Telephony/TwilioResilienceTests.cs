using System.Net.Sockets;
using System.Net;
using Dialer.Core.Telephony;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Telephony;

/// <summary>Each injected fault: what is retried (only what Twilio did not process), what is never re-sent, the breaker.</summary>
public sealed class TwilioResilienceTests : FakeTwilioTest
{
    static readonly CallRequest Request = new("att-1", "+393331234567");

    [Test]
    public async Task Timeout_on_create_is_unknown_and_the_create_is_never_resent()
    {
        using var services = Twilio.Services(("Twilio:RequestTimeout", "00:00:00.300"));
        Twilio.Then(FakeTwilio.Created("CA00000000000000000000000000000001") with { Delay = TimeSpan.FromSeconds(3) });

        var result = await services.GetRequiredService<ITelephonyClient>().PlaceCallAsync(Request, CancellationToken.None);
        await Task.Delay(200);

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(PlaceCallOutcome.Unknown));
            Assert.That(result.Reason, Does.Contain("no answer within"));
            Assert.That(Twilio.Requests, Has.Count.EqualTo(1));
        });
    }

    [TestCase(HttpStatusCode.InternalServerError)]
    [TestCase(HttpStatusCode.ServiceUnavailable)]
    public async Task Server_error_on_create_is_unknown_and_the_create_is_never_resent(HttpStatusCode status)
    {
        using var services = Twilio.Services();
        Twilio.Then(FakeTwilio.Error(status, 20500, "Internal Server Error"));

        var result = await services.GetRequiredService<ITelephonyClient>().PlaceCallAsync(Request, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(PlaceCallOutcome.Unknown));
            Assert.That(result.Error!.HttpStatus, Is.EqualTo((int)status));
            Assert.That(Twilio.Requests, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Connection_dropped_after_sending_the_create_is_unknown_and_never_resent()
    {
        using var services = Twilio.Services();
        Twilio.Then(FakeTwilio.Created("CA00000000000000000000000000000001") with { DropConnection = true });

        var result = await services.GetRequiredService<ITelephonyClient>().PlaceCallAsync(Request, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(PlaceCallOutcome.Unknown));
            Assert.That(result.Reason, Does.Contain("connection failed after sending"));
            Assert.That(Twilio.Requests, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Created_call_with_an_unreadable_body_is_unknown_not_an_exception()
    {
        using var services = Twilio.Services();
        Twilio.Then(new Scripted(HttpStatusCode.Created, """{"status": "queued", "to": """));

        var result = await services.GetRequiredService<ITelephonyClient>().PlaceCallAsync(Request, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(PlaceCallOutcome.Unknown));
            Assert.That(Twilio.Requests, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Server_error_with_a_page_that_is_not_twilios_is_unknown_with_its_real_status()
    {
        using var services = Twilio.Services();
        Twilio.Then(new Scripted(HttpStatusCode.BadGateway, "<html>bad gateway</html>"));

        var result = await services.GetRequiredService<ITelephonyClient>().PlaceCallAsync(Request, CancellationToken.None);

        Assert.Multiple(() =>
        {
            // The SDK reports status 0 for a body it cannot read as Twilio's error; the handler saw the 502.
            Assert.That(result.Outcome, Is.EqualTo(PlaceCallOutcome.Unknown));
            Assert.That(result.Error!.HttpStatus, Is.EqualTo(502));
            Assert.That(Twilio.Requests, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task The_callers_cancellation_reaches_the_request_the_sdk_cannot_cancel()
    {
        using var services = Twilio.Services(("Twilio:RequestTimeout", "00:01:00"));
        Twilio.Default = _ => new Scripted(HttpStatusCode.OK, FakeTwilio.ListJson(null)) { Delay = TimeSpan.FromMinutes(2) };
        var client = services.GetRequiredService<ITelephonyClient>();
        using var fetchCancel = new CancellationTokenSource();
        using var createCancel = new CancellationTokenSource();

        var fetch = client.FetchCallAsync("CA00000000000000000000000000000001", fetchCancel.Token);
        Assert.That(await Eventually.TrueAsync(() => Twilio.Requests.Count == 1, TimeSpan.FromSeconds(10)), Is.True);
        await fetchCancel.CancelAsync();
        var create = client.PlaceCallAsync(Request, createCancel.Token);
        Assert.That(await Eventually.TrueAsync(() => Twilio.Requests.Count == 2, TimeSpan.FromSeconds(10)), Is.True);
        await createCancel.CancelAsync();

        Assert.CatchAsync<OperationCanceledException>(() => fetch);
        var placed = await create;
        Assert.Multiple(() =>
        {
            Assert.That(placed.Outcome, Is.EqualTo(PlaceCallOutcome.Unknown), "the create was sent: only reconciliation can tell");
            Assert.That(placed.Reason, Does.Contain("cancelled"));
        });
    }

    [Test]
    public async Task Too_many_requests_is_retried_because_twilio_did_not_process_it()
    {
        using var services = Twilio.Services();
        var tooMany = FakeTwilio.Error(HttpStatusCode.TooManyRequests, TwilioException.TooManyRequests, "Too Many Requests");
        Twilio.Then(tooMany, tooMany, FakeTwilio.Created("CA00000000000000000000000000000001"));

        var result = await services.GetRequiredService<ITelephonyClient>().PlaceCallAsync(Request, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(PlaceCallOutcome.Placed));
            Assert.That(result.Call!.Sid, Is.EqualTo("CA00000000000000000000000000000001"));
            Assert.That(Twilio.Requests, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public async Task Too_many_requests_after_every_retry_is_not_placed()
    {
        using var services = Twilio.Services(("Twilio:MaxRetries", "2"));
        var tooMany = FakeTwilio.Error(HttpStatusCode.TooManyRequests, TwilioException.TooManyRequests, "Too Many Requests");
        Twilio.Then(tooMany, tooMany, tooMany, FakeTwilio.Created("CA00000000000000000000000000000001"));

        var result = await services.GetRequiredService<ITelephonyClient>().PlaceCallAsync(Request, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(PlaceCallOutcome.NotPlaced));
            Assert.That(result.Error!.Code, Is.EqualTo(TwilioException.TooManyRequests));
            Assert.That(Twilio.Requests, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public async Task Refused_connection_is_retried_then_not_placed()
    {
        var closedPort = ClosedPort();
        using var services = Twilio.Services(("Twilio:BaseUrl", $"http://127.0.0.1:{closedPort}"), ("Twilio:MaxRetries", "2"));

        var result = await services.GetRequiredService<ITelephonyClient>().PlaceCallAsync(Request, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(PlaceCallOutcome.NotPlaced));
            Assert.That(result.Reason, Does.Contain("nothing was sent"));
        });
    }

    [Test]
    public async Task Reads_are_retried_on_server_errors()
    {
        using var services = Twilio.Services();
        Twilio.Then(
            FakeTwilio.Error(HttpStatusCode.ServiceUnavailable, 20503, "Service Unavailable"),
            new Scripted(HttpStatusCode.OK, FakeTwilio.CallJson("CA00000000000000000000000000000001", "+393331234567", "ringing", null)));

        var call = await services.GetRequiredService<ITelephonyClient>().FetchCallAsync("CA00000000000000000000000000000001", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(call.Status, Is.EqualTo("ringing"));
            Assert.That(Twilio.Requests, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task Breaker_opens_while_twilio_fails_and_nothing_more_is_sent()
    {
        using var services = Twilio.Services(("Twilio:CircuitMinimumThroughput", "3"), ("Twilio:CircuitBreakDuration", "00:01:00"));
        var client = services.GetRequiredService<ITelephonyClient>();
        var health = services.GetRequiredService<TelephonyHealth>();
        Twilio.Default = _ => FakeTwilio.Error(HttpStatusCode.ServiceUnavailable, 20503, "Service Unavailable");

        for (var i = 0; i < 3; i++) await client.PlaceCallAsync(Request with { AttemptId = $"att-{i}" }, CancellationToken.None);
        var sentBefore = Twilio.Requests.Count;
        var paused = await client.PlaceCallAsync(Request with { AttemptId = "att-after" }, CancellationToken.None);
        var healthReport = await new TelephonyHealthCheck(health, Microsoft.Extensions.Options.Options.Create(new TelephonyOptions()))
            .CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext());

        Assert.Multiple(() =>
        {
            Assert.That(health.IsOpen, Is.True);
            Assert.That(paused.Outcome, Is.EqualTo(PlaceCallOutcome.NotPlaced));
            Assert.That(paused.Reason, Does.Contain("circuit open"));
            Assert.That(Twilio.Requests, Has.Count.EqualTo(sentBefore));
            Assert.That(healthReport.Status, Is.EqualTo(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded));
            Assert.ThrowsAsync<TelephonyUnavailableException>(() => client.FetchCallAsync("CA00000000000000000000000000000001", CancellationToken.None));
        });
    }

    [Test]
    public async Task Breaker_closes_again_when_twilio_recovers()
    {
        using var services = Twilio.Services(("Twilio:CircuitMinimumThroughput", "2"), ("Twilio:CircuitBreakDuration", "00:00:00.500"));
        var client = services.GetRequiredService<ITelephonyClient>();
        var health = services.GetRequiredService<TelephonyHealth>();
        Twilio.Then(FakeTwilio.Error(HttpStatusCode.BadGateway, 0, "x"), FakeTwilio.Error(HttpStatusCode.BadGateway, 0, "x"));
        await client.PlaceCallAsync(Request, CancellationToken.None);
        await client.PlaceCallAsync(Request, CancellationToken.None);
        var openedAfterFailures = health.IsOpen;

        await Task.Delay(700);
        var probe = await client.PlaceCallAsync(Request with { AttemptId = "probe" }, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(openedAfterFailures, Is.True);
            Assert.That(probe.Outcome, Is.EqualTo(PlaceCallOutcome.Placed));
            Assert.That(health.IsOpen, Is.False);
        });
    }

    [Test]
    public void Only_failures_before_sending_count_as_not_processed()
    {
        Assert.Multiple(() =>
        {
            Assert.That(TelephonyHealth.FailedBeforeSending(new HttpRequestException(HttpRequestError.ConnectionError, "x", new SocketException((int)SocketError.ConnectionRefused))), Is.True);
            Assert.That(TelephonyHealth.FailedBeforeSending(new HttpRequestException(HttpRequestError.NameResolutionError, "x")), Is.True);
            Assert.That(TelephonyHealth.FailedBeforeSending(new HttpRequestException(HttpRequestError.ResponseEnded, "x")), Is.False);
            Assert.That(TelephonyHealth.FailedBeforeSending(new HttpRequestException(HttpRequestError.Unknown, "x", new SocketException((int)SocketError.ConnectionReset))), Is.False);
        });
    }

    static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
