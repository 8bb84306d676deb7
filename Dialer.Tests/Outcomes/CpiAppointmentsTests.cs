using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Dialer.Core.Accounts;
using Dialer.Core.Campaigns;
using Dialer.Core.Operators;
using Dialer.Core.Outcomes;
using Dialer.Core.Selection;

namespace Dialer.Tests.Outcomes;

/// <summary>
/// Appointments within the CPI's opening hours, not on holidays, and the slots' load against the CPI's capacity (a full
/// slot is booked with a warning). MI_CENTRO opens Monday to Friday 09:00–12:30, Wednesday also 14:00–16:00.
/// </summary>
public sealed class CpiAppointmentsTests : DispositionsTest
{
    [SetUp]
    public async Task LoadHoursAsync()
    {
        var cpis = Territories.Parse("""
            { "cpis": [ { "code": "MI_CENTRO", "name": "CPI Milano Centro", "comuni": ["F205"], "slotCapacity": 1,
                          "openingHours": { "monday": ["09:00-12:30"], "tuesday": ["09:00-12:30"], "wednesday": ["14:00-16:00", "09:00-12:30"],
                                            "thursday": ["09:00-12:30"], "friday": ["09:00-12:30"] } } ] }
            """);
        await new Territories(Db).ApplyAsync(cpis, None);
    }

    [TestCase("2026-11-25T12:15", "fuori dall'orario del CPI Milano Centro (mercoledì: 09:00–12:30, 14:00–16:00; appuntamenti di 30 minuti)")]
    [TestCase("2026-11-28T10:00", "fuori dall'orario del CPI Milano Centro (sabato: chiuso;")]
    [TestCase("2026-12-08T10:00", "il 08/12/2026 è festivo (Immacolata Concezione) e il CPI Milano Centro è chiuso")]
    public async Task An_appointment_outside_the_opening_hours_or_on_a_holiday_is_refused_on_its_field(string at, string message)
    {
        var refused = Assert.ThrowsAsync<DispositionValidationException>(() =>
            RecordAsync(new DispositionRequest("intake_accepted", Appointment: Appointment(at: at))));

        Assert.Multiple(async () =>
        {
            Assert.That(refused!.Errors.Single(), Does.StartWith("appointment.at: ").And.Contain(message));
            Assert.That((await PresenceAsync("anna")).State, Is.EqualTo(PresenceState.OnCall), "nothing was recorded");
        });
    }

    [Test]
    public async Task A_full_slot_is_booked_with_a_warning_and_its_load_is_reported()
    {
        await BookedAsync("2026-11-25T09:40:00Z");   // 10:40 in Rome: the 10:30 slot, capacity 1

        var empty = await Dispositions.SlotLoadAsync("MI_CENTRO", new DateTimeOffset(2026, 11, 25, 9, 30, 0, TimeSpan.Zero), None);
        var result = await RecordAsync(new DispositionRequest("intake_accepted", Appointment: Appointment(at: "2026-11-25T10:30")));
        var full = await Dispositions.SlotLoadAsync("MI_CENTRO", new DateTimeOffset(2026, 11, 25, 9, 59, 0, TimeSpan.Zero), None);
        var closed = await Dispositions.SlotLoadAsync("MI_CENTRO", new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero), None);

        Assert.Multiple(() =>
        {
            Assert.That(empty, Is.Not.Null);
            Assert.That(empty!.Booked, Is.EqualTo(1), "10:30–11:00 holds the 10:40 appointment");
            Assert.That(empty.Full, Is.True);
            Assert.That(result.AppointmentId, Is.Not.Null, "booked all the same");
            Assert.That(result.Warnings, Is.EqualTo(new[]
            {
                "appointment.at: la fascia 10:30–11:00 del CPI Milano Centro era già al completo (1 appuntamenti su 1).",
            }));
            Assert.That(full, Is.EqualTo(new SlotLoad("MI_CENTRO", "10:30", "11:00", new DateTimeOffset(2026, 11, 25, 9, 30, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), 2, 1)));
            Assert.That(closed, Is.Null, "13:00 is outside the hours");
        });
    }

    [Test]
    public async Task The_days_slots_are_listed_over_http_with_booked_against_capacity()
    {
        await BookedAsync("2026-11-25T13:10:00Z");   // 14:10 in Rome
        using var app = new DialerApp();

        var day = await GetAsync(app, "/api/cpis/MI_CENTRO/slots?date=2026-11-25", "anna; operator");
        var holiday = await GetAsync(app, "/api/cpis/MI_CENTRO/slots?date=2026-12-08", "sara; supervisor");
        var unknown = await GetAsync(app, "/api/cpis/MI_NORD/slots?date=2026-11-25", "anna; operator");
        var anonymous = await GetAsync(app, "/api/cpis/MI_CENTRO/slots?date=2026-11-25", null);

        var json = await day.Content.ReadFromJsonAsync<JsonElement>();
        var slots = json.GetProperty("slots").EnumerateArray().ToList();
        var closed = await holiday.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Multiple(() =>
        {
            Assert.That(day.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(json.GetProperty("opening").GetString(), Is.EqualTo("09:00–12:30, 14:00–16:00"));
            Assert.That(slots.Select(s => s.GetProperty("start").GetString()), Is.EqualTo(new[]
            {
                "09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00", "14:00", "14:30", "15:00", "15:30",
            }));
            Assert.That(slots.Select(s => s.GetProperty("booked").GetInt32()), Is.EqualTo(new[] { 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0 }));
            Assert.That(slots[7].GetProperty("full").GetBoolean(), Is.True);
            Assert.That(slots[7].GetProperty("capacity").GetInt32(), Is.EqualTo(1));
            Assert.That(closed.GetProperty("holiday").GetString(), Is.EqualTo("Immacolata Concezione"));
            Assert.That(closed.GetProperty("slots").GetArrayLength(), Is.Zero);
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        });
    }

    [TestCase("""{ "openingHours": { "lunedi": ["09:00-12:00"] } }""", "cpis.X.openingHours: \"lunedi\" is not a weekday")]
    [TestCase("""{ "openingHours": { "monday": ["9-12"] } }""", "cpis.X.openingHours.monday: \"9-12\" is not a period")]
    [TestCase("""{ "openingHours": { "monday": ["12:00-09:00"] } }""", "cpis.X.openingHours.monday: \"12:00-09:00\" ends before it starts")]
    [TestCase("""{ "openingHours": { "monday": ["09:00-12:00", "11:00-13:00"] } }""", "cpis.X.openingHours.monday: 09:00–12:00 and 11:00–13:00 overlap")]
    [TestCase("""{ "slotMinutes": 0 }""", "cpis.X.slotMinutes: between 5 and 240")]
    [TestCase("""{ "slotCapacity": 0 }""", "cpis.X.slotCapacity: between 1 and 1000")]
    [TestCase("""{ "comuneNames": { "E514": "Legnano" } }""", "cpis.X.comuneNames: \"E514\" is not in the CPI's comuni")]
    [TestCase("""{ "comuneNames": { "F205": " " } }""", "cpis.X.comuneNames.F205: a name of 1 to 100 characters")]
    public void Bad_hours_in_the_territory_file_are_refused_naming_the_field(string extra, string error)
    {
        var json = $$"""{ "cpis": [ { "code": "X", "name": "X", "comuni": ["F205"], {{extra.Trim()[1..^1]}} } ] }""";

        var refused = Assert.Throws<CampaignValidationException>(() => Territories.Parse(json));

        Assert.That(refused!.Errors, Has.Some.StartsWith(error));
    }

    /// <summary>An appointment booked earlier, by another attempt, at this instant.</summary>
    async Task BookedAsync(string startsAt)
    {
        var other = await AttemptAsync(Campaign, "BRNMRA80A01F205X", "+393471234568");
        await using var conn = await Db.OpenConnectionAsync();
        await conn.ExecuteAsync("""
            WITH intake AS (
                INSERT INTO intakes (person_cf, taken_on, cpi_code, source, recorded_at)
                VALUES ('BRNMRA80A01F205X', '2026-11-23', 'MI_CENTRO', 'dialer', now()) RETURNING id)
            INSERT INTO appointments (attempt_id, intake_id, person_cf, cpi_code, starts_at, channel, reason, reminder_consent,
                                      privacy_notice_given, operator_id, booked_at)
            SELECT @other, intake.id, 'BRNMRA80A01F205X', 'MI_CENTRO', @startsAt::timestamptz, 'in_person', 'ACC', true, true, @Anna, now() FROM intake
            """, new { other, startsAt, Anna });
    }

    static async Task<HttpResponseMessage> GetAsync(DialerApp app, string path, string? user)
    {
        if (user is null) return await app.Client.GetAsync(path);
        var parts = user.Split(';', StringSplitOptions.TrimEntries);
        var client = await app.ClientAsync(parts[0], UserAccounts.ParseRole(parts[1])!.Value);
        return await client.GetAsync(path);
    }
}
