using System.Net;
using System.Text.Json;
using Dialer.Core.Accounts;
using Dialer.Core.Dialing;
using Dialer.Core.Operators;
using Dialer.Tests.OperatorConsole;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Operators;

/// <summary>GET /api/me/events over real HTTP: the signed-in operator's events, and nobody else's.</summary>
public sealed class OperatorEventStreamTests : OperatorsTest
{
    [Test]
    public async Task A_connected_stream_receives_its_operators_presence_and_screen_pop_and_nothing_of_another_operator()
    {
        using var app = new DialerApp();
        var anna = await OperatorAsync("anna");
        var bruno = await OperatorAsync("bruno");
        using var annaStream = await OpenAsync(app, "anna");
        using var brunoStream = await OpenAsync(app, "bruno");
        var bus = app.Services.GetRequiredService<IBus>();
        var at = Start;

        await bus.Publish(new CallAnswered(2002, 1, bruno.Id, at));
        await bus.Publish(new OperatorPresenceChanged(bruno.Id, "bruno", "on_call", null, false, at, at));
        await bus.Publish(new OperatorPresenceChanged(anna.Id, "anna", "paused", "break", false, at, at));
        await bus.Publish(new CallAnswered(1001, 1, anna.Id, at));
        var annaEvents = await annaStream.ReadAsync(2);
        var brunoEvents = await brunoStream.ReadAsync(2);
        var presence = annaEvents.Single(e => e.Name == "presence").Data;
        var connected = annaEvents.Single(e => e.Name == "connected").Data;

        Assert.Multiple(() =>
        {
            Assert.That(annaStream.Retry, Is.EqualTo("retry: 3000"));
            Assert.That(presence.GetProperty("state").GetString(), Is.EqualTo("paused"));
            Assert.That(presence.GetProperty("pauseReason").GetString(), Is.EqualTo("break"));
            Assert.That(presence.GetProperty("announcement").GetString(), Is.EqualTo("Stato: In pausa (Pausa)"));
            Assert.That(connected.GetProperty("attemptId").GetInt64(), Is.EqualTo(1001));
            Assert.That(connected.GetProperty("announcement").GetString(), Is.EqualTo("Persona in linea"));
            Assert.That(brunoEvents.Select(e => e.Name), Is.EquivalentTo(new[] { "connected", "presence" }));
            Assert.That(brunoEvents.Single(e => e.Name == "connected").Data.GetProperty("attemptId").GetInt64(), Is.EqualTo(2002));
            Assert.That(annaEvents.Any(e => e.Data.TryGetProperty("attemptId", out var id) && id.GetInt64() == 2002), Is.False);
        });
    }

    [Test]
    public async Task An_operator_who_reads_English_hears_the_announcements_in_English_while_another_hears_them_in_Italian()
    {
        using var app = new DialerApp();
        var carla = await OperatorAsync("carla");
        var anna = await OperatorAsync("anna");
        await app.AccountAsync("carla", UserRole.Operator);
        await app.Services.GetRequiredService<UserAccounts>().SetLanguageAsync("carla", "en", CancellationToken.None);
        // A browser's cookie session carries the account's language (a personal API token does not).
        using var carlaBrowser = await ConsoleClient.SignedInAsync(app, "carla", UserRole.Operator);
        using var carlaStream = await OpenAsync(carlaBrowser);
        using var annaStream = await OpenAsync(app, "anna");
        var bus = app.Services.GetRequiredService<IBus>();
        var at = Start;

        await bus.Publish(new OperatorPresenceChanged(carla.Id, "carla", "available", null, false, at, at));
        await bus.Publish(new CallAnswered(3003, 1, carla.Id, at));
        await bus.Publish(new CallCompleted(3003, 1, carla.Id, "no_answer", false, at));
        var events = await carlaStream.ReadAsync(3);
        await bus.Publish(new OperatorPresenceChanged(anna.Id, "anna", "available", null, false, at, at));
        var annaPresence = (await annaStream.ReadAsync(1)).Single().Data;

        Assert.Multiple(() =>
        {
            Assert.That(events.Single(e => e.Name == "presence").Data.GetProperty("announcement").GetString(), Is.EqualTo("Status: Available"));
            Assert.That(events.Single(e => e.Name == "connected").Data.GetProperty("announcement").GetString(), Is.EqualTo("Person on the line"));
            Assert.That(events.Single(e => e.Name == "ended").Data.GetProperty("announcement").GetString(), Is.EqualTo("Call ended: no answer"));
            Assert.That(events.Single(e => e.Name == "presence").Data.TryGetProperty("englishAnnouncement", out _), Is.False, "one announcement per event");
            Assert.That(annaPresence.GetProperty("announcement").GetString(), Is.EqualTo("Stato: Disponibile"));
        });
    }

    [Test]
    public async Task The_stream_needs_a_signed_in_operator()
    {
        using var app = new DialerApp();

        using var anonymous = await app.Client.GetAsync("/api/me/events");
        var sara = await app.ClientAsync("sara", UserRole.Supervisor);
        using var supervisor = await sara.GetAsync("/api/me/events");

        Assert.Multiple(() =>
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(supervisor.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        });
    }

    static async Task<EventStream> OpenAsync(DialerApp app, string identity) => await OpenAsync(await app.OperatorAsync(identity));

    static async Task<EventStream> OpenAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/me/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        // The retry line comes once the stream is subscribed: events published after it are delivered.
        var retry = await reader.ReadLineAsync();
        await reader.ReadLineAsync();
        return new EventStream(response, reader, retry!);
    }

    sealed record ServerEvent(string Name, JsonElement Data);

    sealed class EventStream(HttpResponseMessage response, StreamReader reader, string retry) : IDisposable
    {
        public string Retry { get; } = retry;

        /// <summary>The next <paramref name="count"/> events (heartbeat comments skipped); fails after 30 s without them.</summary>
        public async Task<List<ServerEvent>> ReadAsync(int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var events = new List<ServerEvent>();
            string? name = null;
            while (events.Count < count)
            {
                var line = await reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException("the stream ended");
                if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                    events.Add(new ServerEvent(name!, JsonDocument.Parse(line[6..]).RootElement.Clone()));
            }
            return events;
        }

        public void Dispose()
        {
            reader.Dispose();
            response.Dispose();
        }
    }
}
