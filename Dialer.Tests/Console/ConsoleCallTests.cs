using System.Net;
using Dialer.Core.Accounts;
using Dialer.Tests.Dialing;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.OperatorConsole;

/// <summary>
/// A preview call worked end to end in the console without JavaScript, against the API, the Twilio emulator and the
/// dialing events: Entra in servizio, Prossima persona, Chiama, the emulator connects and ends the call, the outcome
/// form books the appointment, and the next request finds nobody.
/// </summary>
public sealed class ConsoleCallTests : DatabaseTest
{
    DialingRig? rig;

    [TearDown]
    public async Task StopAsync()
    {
        if (rig is not null) await rig.DisposeAsync();
    }

    [Test]
    public async Task A_preview_call_is_worked_in_the_console_from_the_card_to_the_appointment()
    {
        rig = await DialingRig.StartAsync();
        var campaign = await rig.CampaignAsync("preview");
        await rig.EnqueueAsync(campaign, 1);
        await using (var conn = await Db.OpenConnectionAsync())
            await conn.ExecuteAsync("INSERT INTO cpi_offices (code, name) VALUES ('MI_CENTRO', 'CPI Milano Centro')");
        await rig.Services.GetRequiredService<Core.Operators.OperatorDirectory>().SaveAsync(new Core.Operators.OperatorProfile("carla", "Carla Verdi"), default);
        using var carla = await ConsoleClient.SignedInAsync(rig.Api, "carla", UserRole.Operator);

        Assert.That((await carla.PostAsync("Entra")).Status, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(ConsoleClient.H1(await carla.PageAsync()), Is.EqualTo("In attesa della prossima persona"));
        Assert.That((await carla.PostAsync("Prossima")).Status, Is.EqualTo(HttpStatusCode.Redirect));
        var card = await carla.PageAsync();
        Assert.That(ConsoleClient.H1(card), Is.EqualTo("Leggi la scheda, poi chiama o salta"), card);
        var attemptId = long.Parse(System.Text.RegularExpressions.Regex.Match(card, "/api/calls/(\\d+)/call").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);

        Assert.That((await carla.PostAsync("Chiama", $"attemptId={attemptId}")).Status, Is.EqualTo(HttpStatusCode.Redirect));
        // The emulator rings the person, connects the operator, and the operator's leg hangs up after a short talk.
        Assert.That(await Eventually.TrueAsync(async () => await DialingRig.PresenceAsync("carla") == "wrap_up", TimeSpan.FromSeconds(30)), Is.True);
        var wrapUp = await carla.PageAsync();
        Assert.That(ConsoleClient.H1(wrapUp), Is.EqualTo("Registra l'esito della chiamata"));

        // The rig's clock: Tuesday 10 March 2026, 10:00 in Rome; the appointment is the next morning.
        var (status, html) = await carla.PostAsync("Esito",
            $"AttemptId={attemptId}&Esito=intake_accepted&Cpi=MI_CENTRO&DataAppuntamento=2026-03-11&OraAppuntamento=10:30&Canale=video&Promemoria=no&Informativa=true");
        Assert.That(status, Is.EqualTo(HttpStatusCode.Redirect), html);
        await using var check = await Db.OpenConnectionAsync();
        var booked = await check.QuerySingleAsync<(string Channel, DateTime StartsAt)>(
            "SELECT channel, starts_at FROM appointments WHERE attempt_id = @attemptId", new { attemptId });

        Assert.That((await carla.PostAsync("Prossima")).Status, Is.EqualTo(HttpStatusCode.Redirect));
        var next = await carla.PageAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(booked.Channel, Is.EqualTo("video"));
            Assert.That(booked.StartsAt, Is.EqualTo(new DateTime(2026, 3, 11, 9, 30, 0)), "10:30 in Rome is 09:30 UTC in March");
            Assert.That(await DialingRig.PresenceAsync("carla"), Is.EqualTo("available"));
            Assert.That(ConsoleClient.Text(next), Does.Contain("Nessuna persona da chiamare adesso."));
            Assert.That(ConsoleClient.Text(next), Does.Match("Appuntamenti fissati\\s*1"));
        });
    }
}
