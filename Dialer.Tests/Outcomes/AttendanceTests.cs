using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dialer.Core.Accounts;
using Dialer.Core.Audit;
using Dialer.Core.Outcomes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Tests.Outcomes;

/// <summary>
/// Attended appointments (docs/appointments.md): one attendance at a time, the list for a CPI's desk, and a CPI's own file.
/// The clock stands at Monday 23 November 2026, 10:00 in Rome; Friday 20 November is past, Wednesday 25 still to come.
/// </summary>
public sealed class AttendanceTests : DispositionsTest
{
    AttendanceRegister Register = null!;

    const string Mario = "RSSMRA80A01F205X", Laura = "BNCLRA85M41F205Y", Giuseppe = "VRDGPP70C15F205Z", Paola = "NREPLA90E20F205W", Sara = "GLLSRA75T60F205V";

    static readonly AuditEntry BySara = new("sara", AuditActions.AttendanceRecorded, ActorRole: "supervisor");

    [SetUp]
    public void CreateRegister() => Register = new AttendanceRegister(Db, Clock, new AuditLog(Db, Clock), NullLogger<AttendanceRegister>.Instance);

    [Test]
    public async Task Before_the_appointment_only_a_cancellation_can_be_recorded()
    {
        var id = await AppointmentAsync(Mario, "2026-11-25T09:30:00Z");   // Wednesday 10:30 in Rome

        var refused = Assert.ThrowsAsync<AttendanceValidationException>(() => Register.RecordAsync(id, "P", AttendanceSource.Api, BySara, null, None));
        var cancelled = await Register.RecordAsync(id, "AN", AttendanceSource.Api, BySara, null, None);

        Assert.Multiple(async () =>
        {
            Assert.That(refused!.Errors, Is.EqualTo(new[]
            {
                "attendance: l'appuntamento del mer 25 nov 2026, 10:30 non è ancora avvenuto: prima si può registrare solo «Annullato» (AN).",
            }));
            Assert.That(cancelled, Is.EqualTo(new AttendanceChange(id, "AN", null, true, Start)));
            Assert.That(await RecordedAsync(id), Is.EqualTo(("AN", Start.UtcDateTime, "api", "sara")));
        });
    }

    [Test]
    public async Task A_recorded_attendance_can_be_changed_and_each_change_is_audited_with_the_earlier_value()
    {
        var id = await AppointmentAsync(Mario, "2026-11-20T09:00:00Z");

        var first = await Register.RecordAsync(id, "P", AttendanceSource.Page, BySara, null, None);
        Clock.Advance(TimeSpan.FromHours(1));
        var changed = await Register.RecordAsync(id, "assente ingiustificato", AttendanceSource.Api, BySara with { Actor = "luca" }, null, None);
        Clock.Advance(TimeSpan.FromHours(1));
        var again = await Register.RecordAsync(id, "AI", AttendanceSource.Api, BySara, null, None);

        var audited = await AuditedAsync(AuditActions.AttendanceRecorded);
        Assert.Multiple(async () =>
        {
            Assert.That(first.Changed && changed.Changed, Is.True);
            Assert.That(changed.Previous, Is.EqualTo("P"));
            Assert.That(again, Is.EqualTo(new AttendanceChange(id, "AI", "AI", false, Start.AddHours(1))), "the same value writes nothing");
            Assert.That(await RecordedAsync(id), Is.EqualTo(("AI", Start.AddHours(1).UtcDateTime, "api", "luca")));
            Assert.That(audited, Is.EqualTo(new[]
            {
                ("sara", Mario, $"appointment:{id}", """{"source": "page", "previous": null, "attendance": "P"}"""),
                ("luca", Mario, $"appointment:{id}", """{"source": "api", "previous": "P", "attendance": "AI"}"""),
            }));
        });
    }

    [Test]
    public async Task An_attended_appointment_moves_its_person_to_the_funnels_attended_step()
    {
        var id = await AppointmentAsync(Mario, "2026-11-20T09:00:00Z");
        await using (var conn = await Db.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                INSERT INTO contact_list_entries (campaign_id, person_cf, selected_on, priority, expires_on, state)
                VALUES (@Campaign, @Mario, '2026-11-10', 1, '2026-12-10', 'completed')
                """, new { Campaign, Mario });

        await Register.RecordAsync(id, "P", AttendanceSource.Page, BySara, null, None);
        var attended = await AttendedAsync();
        await Register.RecordAsync(id, "AI", AttendanceSource.Page, BySara, null, None);

        Assert.That((attended, await AttendedAsync()), Is.EqualTo((true, false)), "present, then corrected to absent");
    }

    static async Task<bool> AttendedAsync()
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.QuerySingleAsync<bool>("SELECT attended FROM campaign_outcomes");
    }

    [TestCase("UPDATE appointments SET attendance = 'P' WHERE id = @id")]
    [TestCase("UPDATE appointments SET attendance = 'P', attendance_recorded_at = now(), attendance_source = 'page', attendance_recorded_by = ' ' WHERE id = @id")]
    [TestCase("UPDATE appointments SET attendance = 'P', attendance_recorded_at = now(), attendance_source = 'fax', attendance_recorded_by = 'sara' WHERE id = @id")]
    [TestCase("UPDATE appointments SET attendance_recorded_at = now(), attendance_source = 'page', attendance_recorded_by = 'sara' WHERE id = @id")]
    public async Task The_database_refuses_an_attendance_without_who_when_and_how_or_those_without_an_attendance(string update)
    {
        var id = await AppointmentAsync(Mario, "2026-11-20T09:00:00Z");
        await using var conn = await Db.OpenConnectionAsync();

        var refused = Assert.ThrowsAsync<PostgresException>(() => conn.ExecuteAsync(update, new { id }));

        Assert.That(refused!.SqlState, Is.EqualTo(PostgresErrorCodes.CheckViolation));
    }

    [TestCase("X", "attendance: «X» non è un esito; uno tra P, AG, AI, AN.")]
    [TestCase(" ", "attendance: scegliere l'esito (P, AG, AI, AN).")]
    public async Task An_unknown_outcome_is_refused_on_its_field(string value, string error)
    {
        var id = await AppointmentAsync(Mario, "2026-11-20T09:00:00Z");

        var refused = Assert.ThrowsAsync<AttendanceValidationException>(() => Register.RecordAsync(id, value, AttendanceSource.Api, BySara, null, None));

        Assert.That(refused!.Errors, Is.EqualTo(new[] { error }));
    }

    [Test]
    public async Task Another_CPIs_appointment_is_not_found_when_the_recorder_is_limited_to_their_own()
    {
        var id = await AppointmentAsync(Mario, "2026-11-20T09:00:00Z");

        Assert.ThrowsAsync<AppointmentNotFoundException>(() => Register.RecordAsync(id, "P", AttendanceSource.Api, BySara, "MI_NORD", None));
        var own = await Register.RecordAsync(id, "P", AttendanceSource.Api, BySara, "MI_CENTRO", None);

        Assert.That(own.Changed, Is.True);
    }

    [Test]
    public async Task The_list_gives_the_days_appointments_with_names_and_audits_each_person_shown_once_an_hour()
    {
        var morning = await AppointmentAsync(Mario, "2026-11-20T09:00:00Z", "MARIO", "ROSSI");
        var afternoon = await AppointmentAsync(Laura, "2026-11-20T14:00:00Z", "LAURA", "BIANCHI");
        await AppointmentAsync(Giuseppe, "2026-11-19T22:59:00Z");   // 23:59 on Thursday in Rome
        await AppointmentAsync(Paola, "2026-11-20T23:00:00Z");      // 00:00 on Saturday in Rome
        var viewer = new AuditEntry("sara", AuditActions.PersonViewed, "supervisor", ClientIp: "10.0.0.7");

        var list = await Register.ListAsync("MI_CENTRO", new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 20), viewer, None);
        await Register.ListAsync("MI_CENTRO", new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 20), viewer, None);
        var unknown = await Register.ListAsync("MI_NORD", new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 20), viewer, None);
        var tooLong = Assert.ThrowsAsync<AttendanceValidationException>(() =>
            Register.ListAsync("MI_CENTRO", new DateOnly(2026, 11, 1), new DateOnly(2026, 12, 1).AddDays(1), viewer, None));
        var backwards = Assert.ThrowsAsync<AttendanceValidationException>(() =>
            Register.ListAsync("MI_CENTRO", new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 19), viewer, None));

        var viewed = await AuditedAsync(AuditActions.PersonViewed);
        Assert.Multiple(() =>
        {
            Assert.That(list!.CpiName, Is.EqualTo("CPI Milano Centro"));
            Assert.That(list.Appointments.Select(a => (a.Id, a.PersonName, a.StartsAt)), Is.EqualTo(new[]
            {
                (morning, "Mario Rossi", new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero)),
                (afternoon, "Laura Bianchi", new DateTimeOffset(2026, 11, 20, 14, 0, 0, TimeSpan.Zero)),
            }));
            Assert.That(viewed, Is.EqualTo(new[]
            {
                ("sara", Mario, $"appointment:{morning}", """{"view": "appointments"}"""),
                ("sara", Laura, $"appointment:{afternoon}", """{"view": "appointments"}"""),
            }), "the second look within the hour records nothing more");
            Assert.That(unknown, Is.Null);
            Assert.That(tooLong!.Errors, Is.EqualTo(new[] { "to: al massimo 31 giorni alla volta." }));
            Assert.That(backwards!.Errors, Is.EqualTo(new[] { "to: la data finale viene prima di quella iniziale." }));
        });
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_file_applies_its_good_rows_together_and_reports_each_bad_row_with_its_line(bool byteOrderMark)
    {
        var mario = await AppointmentAsync(Mario, "2026-11-20T09:00:00Z");
        var laura = await AppointmentAsync(Laura, "2026-11-20T10:00:00Z");
        var giuseppe = await AppointmentAsync(Giuseppe, "2026-11-20T11:00:00Z");
        await AppointmentAsync(Paola, "2026-11-20T09:00:00Z");
        await AppointmentAsync(Paola, "2026-11-20T14:00:00Z");
        var sara = await AppointmentAsync(Sara, "2026-11-25T09:30:00Z");
        var file = Csv(byteOrderMark, """
            codice_fiscale;data;esito
            rssmra80a01f205x;20/11/2026;P
            BNCLRA85M41F205Y;2026-11-20;Assente giustificato

            VRDGPP70C15F205Z;20/11/2026;assente  ingiustificato
            ZZZZZZ99Z99Z999Z;20/11/2026;P
            RSSMRA80A01F205X;21/11/2026;P
            NREPLA90E20F205W;20/11/2026;P
            RSSMRA80A01F205X;31/11/2026;P
            RSSMRA80A01F205X;20/11/2026;Forse
            GLLSRA75T60F205V;25/11/2026;P
            GLLSRA75T60F205V;25/11/2026;Annullato
            RSSMRA80A01F205X;20/11/2026;AG
            solo;due
            RSSM;;
            """);

        var result = await Register.ImportAsync(file, BySara, None);
        var again = await Register.ImportAsync(file, BySara, None);

        Assert.Multiple(async () =>
        {
            Assert.That((result.Rows, result.Applied, result.Unchanged), Is.EqualTo((13, 4, 0)));
            Assert.That(result.Rejected, Is.EqualTo(new AttendanceLineError[]
            {
                new(6, "nessun appuntamento per questo codice fiscale."),
                new(7, "nessun appuntamento per questa persona il sab 21 nov 2026."),
                new(8, "2 appuntamenti per questa persona il ven 20 nov 2026 (alle 10:00, 15:00): registrare l'esito dalla pagina."),
                new(9, "la data «31/11/2026» non è valida: gg/mm/aaaa o aaaa-mm-gg."),
                new(10, "esito «Forse» sconosciuto: uno tra P, AG, AI, AN o Presente, Assente giustificato, Assente ingiustificato, Annullato."),
                new(11, "l'appuntamento del mer 25 nov 2026, 10:30 non è ancora avvenuto: prima si può registrare solo «Annullato» (AN)."),
                new(13, "lo stesso appuntamento è già alla riga 2 con l'esito P."),
                new(14, "attesi 3 campi separati da «;» (codice_fiscale;data;esito), trovati 2."),
                new(15, "il codice fiscale non ha 16 caratteri (o 11 cifre se provvisorio); data mancante (gg/mm/aaaa o aaaa-mm-gg); esito mancante: uno tra P, AG, AI, AN o Presente, Assente giustificato, Assente ingiustificato, Annullato."),
            }));
            Assert.That(await RecordedAsync(mario), Is.EqualTo(("P", Start.UtcDateTime, "import", "sara")));
            Assert.That((await RecordedAsync(laura)).Attendance, Is.EqualTo("AG"));
            Assert.That((await RecordedAsync(giuseppe)).Attendance, Is.EqualTo("AI"));
            Assert.That((await RecordedAsync(sara)).Attendance, Is.EqualTo("AN"));
            Assert.That((await AuditedAsync(AuditActions.AttendanceRecorded)).Select(a => (a.PersonCf, a.Detail)), Is.EqualTo(new[]
            {
                (Mario, """{"line": 2, "source": "import", "previous": null, "attendance": "P"}"""),
                (Laura, """{"line": 3, "source": "import", "previous": null, "attendance": "AG"}"""),
                (Giuseppe, """{"line": 5, "source": "import", "previous": null, "attendance": "AI"}"""),
                (Sara, """{"line": 12, "source": "import", "previous": null, "attendance": "AN"}"""),
            }), "the second import changed nothing and audited nothing");
            Assert.That((again.Applied, again.Unchanged, again.Rejected.Count), Is.EqualTo((0, 4, 9)));
        });
    }

    [TestCase(new byte[] { 0x63, 0x6F, 0x64, 0xE8, 0x0A }, "Il file non è testo UTF-8: salvarlo come «CSV UTF-8».")]
    [TestCase(new byte[] { 0x0D, 0x0A, 0x20, 0x0A }, "Il file è vuoto: la prima riga deve essere «codice_fiscale;data;esito».")]
    public void A_file_that_cannot_be_read_is_refused_whole(byte[] bytes, string message)
    {
        var refused = Assert.ThrowsAsync<AttendanceFileException>(() => Register.ImportAsync(bytes, BySara, None));

        Assert.That(refused!.Message, Is.EqualTo(message));
    }

    [Test]
    public async Task A_file_with_another_header_is_refused_whole_and_applies_nothing()
    {
        var id = await AppointmentAsync(Mario, "2026-11-20T09:00:00Z");

        var refused = Assert.ThrowsAsync<AttendanceFileException>(() =>
            Register.ImportAsync(Csv(true, "cf,data,esito\nRSSMRA80A01F205X,20/11/2026,P\n"), BySara, None));

        Assert.Multiple(async () =>
        {
            Assert.That(refused!.Message, Is.EqualTo("Riga 1: l'intestazione deve essere «codice_fiscale;data;esito» (separatore «;»)."));
            Assert.That((await RecordedAsync(id)).Attendance, Is.Null);
        });
    }

    [Test]
    public async Task Over_http_supervisors_see_every_CPI_and_operators_only_their_own_and_only_supervisors_import()
    {
        var centro = await AppointmentAsync(Mario, "2026-11-20T09:00:00Z", "MARIO", "ROSSI");
        await using (var conn = await Db.OpenConnectionAsync())
            await conn.ExecuteAsync("INSERT INTO cpi_offices (code, name) VALUES ('MI_NORD', 'CPI Milano Nord')");
        var nord = await AppointmentAsync(Laura, "2026-11-20T10:00:00Z", cpi: "MI_NORD");
        using var app = new DialerApp();
        var sara = await app.ClientAsync("sara", UserRole.Supervisor);
        var anna = await app.ClientAsync("anna", UserRole.Operator);   // anna's profile: MI_CENTRO
        var tom = await app.ClientAsync("tom", UserRole.Supervisor);
        await app.Services.GetRequiredService<UserAccounts>().SetLanguageAsync("tom", "en", None);

        var listed = await sara.GetAsync("/api/appointments?cpi=mi_centro&from=20/11/2026");
        var annasOwn = await anna.GetAsync("/api/appointments?cpi=MI_CENTRO&from=2026-11-20&to=2026-11-20");
        var annasOther = await anna.GetAsync("/api/appointments?cpi=MI_NORD&from=2026-11-20");
        var badDate = await sara.GetAsync("/api/appointments?cpi=MI_CENTRO&from=ieri");
        var annaMarks = await anna.PutAsJsonAsync($"/api/appointments/{centro}/attendance", new { attendance = "P" });
        var annaMarksNord = await anna.PutAsJsonAsync($"/api/appointments/{nord}/attendance", new { attendance = "P" });
        var saraMarksNord = await sara.PutAsJsonAsync($"/api/appointments/{nord}/attendance", new { attendance = "AG" });
        var badValue = await sara.PutAsJsonAsync($"/api/appointments/{nord}/attendance", new { attendance = "Z" });
        var csv = "codice_fiscale;data;esito\nBNCLRA85M41F205Y;20/11/2026;AI\nZZZZZZ99Z99Z999Z;20/11/2026;P\n";
        var annaImports = await anna.PostAsync("/api/appointments/attendance", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var saraImports = await sara.PostAsync("/api/appointments/attendance", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var unreadable = await sara.PostAsync("/api/appointments/attendance", new StringContent("{}", Encoding.UTF8, "text/csv"));
        var inEnglish = await tom.PutAsJsonAsync($"/api/appointments/{nord}/attendance", new { attendance = "Z" });
        var importedInEnglish = await tom.PostAsync("/api/appointments/attendance", new StringContent(csv, Encoding.UTF8, "text/csv"));

        var list = await listed.Content.ReadFromJsonAsync<JsonElement>();
        var imported = await saraImports.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Multiple(async () =>
        {
            Assert.That(listed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(list.GetProperty("appointments").EnumerateArray().Select(a => (a.GetProperty("id").GetInt64(), a.GetProperty("personName").GetString())),
                Is.EqualTo(new[] { (centro, "Mario Rossi") }));
            Assert.That(list.GetRawText(), Does.Not.Contain(Mario), "no codice fiscale in the list");
            Assert.That(annasOwn.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(annasOther.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await annasOther.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(),
                Is.EqualTo("Un operatore vede solo gli appuntamenti del proprio CPI (MI_CENTRO)."));
            Assert.That(badDate.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await badDate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("from")[0].GetString(),
                Is.EqualTo("from: «ieri» non è una data (aaaa-mm-gg o gg/mm/aaaa)."));
            Assert.That(annaMarks.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(annaMarksNord.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(saraMarksNord.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(badValue.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await badValue.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("attendance")[0].GetString(),
                Is.EqualTo("attendance: «Z» non è un esito; uno tra P, AG, AI, AN."));
            Assert.That(await RecordedAsync(centro), Is.EqualTo(("P", (await RecordedAsync(centro)).At, "api", "anna (token test)")));
            Assert.That(annaImports.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(saraImports.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((imported.GetProperty("rows").GetInt32(), imported.GetProperty("applied").GetInt32()), Is.EqualTo((2, 1)));
            Assert.That(imported.GetProperty("rejected")[0].GetProperty("line").GetInt32(), Is.EqualTo(3));
            Assert.That(await RecordedAsync(nord), Is.EqualTo(("AI", (await RecordedAsync(nord)).At, "import", "sara (token test)")));
            Assert.That(unreadable.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await unreadable.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString(), Is.EqualTo("File delle presenze illeggibile"));
            var english = await inEnglish.Content.ReadFromJsonAsync<JsonElement>();
            Assert.That((english.GetProperty("title").GetString(), english.GetProperty("errors").GetProperty("attendance")[0].GetString()),
                Is.EqualTo(("Appointments: values not valid", "attendance: \"Z\" is not an outcome; one of P, AG, AI, AN.")));
            Assert.That((await importedInEnglish.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rejected")[0].GetProperty("reason").GetString(),
                Is.EqualTo("no appointment for this codice fiscale."));
        });
    }

    [Test]
    public async Task The_command_exits_0_when_every_row_applied_1_when_some_were_rejected_2_when_the_file_cannot_be_read()
    {
        var mario = await AppointmentAsync(Mario, "2026-11-20T09:00:00Z");
        await AppointmentAsync(Laura, "2026-11-20T10:00:00Z");
        var dir = System.IO.Directory.CreateTempSubdirectory("presenze-");
        var good = Path.Combine(dir.FullName, "buono.csv");
        var mixed = Path.Combine(dir.FullName, "misto.csv");
        var bad = Path.Combine(dir.FullName, "illeggibile.csv");
        await File.WriteAllBytesAsync(good, Csv(true, "codice_fiscale;data;esito\r\nRSSMRA80A01F205X;20/11/2026;Presente\r\n"));
        await File.WriteAllBytesAsync(mixed, Csv(false, "codice_fiscale;data;esito\nBNCLRA85M41F205Y;2026-11-20;AG\nZZZZZZ99Z99Z999Z;20/11/2026;P\n"));
        await File.WriteAllBytesAsync(bad, Csv(false, "nome;cognome\n"));

        var applied = await DialerProcess.RunAsync("appointments", "import", good);
        var some = await DialerProcess.RunAsync("appointments", "import", mixed, "--json");
        var unreadable = await DialerProcess.RunAsync("appointments", "import", bad);
        var missing = await DialerProcess.RunAsync("appointments", "import", Path.Combine(dir.FullName, "manca.csv"));
        dir.Delete(recursive: true);

        var json = JsonDocument.Parse(some.Out).RootElement;
        Assert.Multiple(async () =>
        {
            Assert.That(applied.Exit, Is.EqualTo(0), applied.Err);
            Assert.That(applied.Out, Does.Contain("applied            1"));
            Assert.That(some.Exit, Is.EqualTo(1), some.Err);
            Assert.That((json.GetProperty("applied").GetInt32(), json.GetProperty("rejected")[0].GetProperty("line").GetInt32()), Is.EqualTo((1, 3)));
            Assert.That(json.GetProperty("rejected")[0].GetProperty("reason").GetString(), Is.EqualTo("nessun appuntamento per questo codice fiscale."));
            Assert.That((unreadable.Exit, unreadable.Err.Trim()), Is.EqualTo((2,
                "error: illeggibile.csv: Riga 1: l'intestazione deve essere «codice_fiscale;data;esito» (separatore «;»).")));
            Assert.That(missing.Exit, Is.EqualTo(2));
            Assert.That(applied.Out + some.Out + some.Err + applied.Err, Does.Not.Contain(Mario).And.Not.Contain(Laura), "no codice fiscale printed");
            Assert.That((await RecordedAsync(mario)).Source, Is.EqualTo("import"));
            Assert.That((await AuditedAsync(AuditActions.AttendanceRecorded)).Select(a => a.Actor).Distinct().Single(), Does.EndWith(" (riga di comando)"));
        });
    }

    static byte[] Csv(bool byteOrderMark, string text) =>
        [.. (byteOrderMark ? Encoding.UTF8.Preamble.ToArray() : []), .. Encoding.UTF8.GetBytes(text)];

    /// <summary>An appointment of <paramref name="cf"/>, booked by anna on an attempt of its own, with the person's name in people.</summary>
    Task<long> AppointmentAsync(string cf, string startsAt, string? name = null, string? surname = null, string cpi = "MI_CENTRO") =>
        InsertAppointmentAsync(Campaign, Anna, cf, startsAt, name, surname, cpi);

    /// <summary>An appointment booked by <paramref name="bookedBy"/> on a new attempt of <paramref name="campaign"/>, the person's name in people.</summary>
    internal static async Task<long> InsertAppointmentAsync(long campaign, long bookedBy, string cf, string startsAt, string? name, string? surname,
        string cpi = "MI_CENTRO")
    {
        var attempt = await AttemptAsync(campaign, cf, "+393470000000");
        await using var conn = await Db.OpenConnectionAsync();
        await conn.ExecuteAsync("""
            INSERT INTO people (cf, provisional, name, surname) VALUES (@cf, false, @name, @surname) ON CONFLICT (cf) DO NOTHING
            """, new { cf, name, surname });
        return await conn.ExecuteScalarAsync<long>("""
            WITH intake AS (
                INSERT INTO intakes (person_cf, taken_on, cpi_code, source, recorded_at)
                VALUES (@cf, '2026-11-16', @cpi, 'dialer', now()) RETURNING id)
            INSERT INTO appointments (attempt_id, intake_id, person_cf, cpi_code, starts_at, channel, reason, reminder_consent,
                                      privacy_notice_given, operator_id, booked_at)
            SELECT @attempt, intake.id, @cf, @cpi, @startsAt::timestamptz, 'in_person', 'ACC', true, true, @bookedBy, now() FROM intake
            RETURNING id
            """, new { attempt, cf, cpi, startsAt, bookedBy });
    }

    static async Task<(string? Attendance, DateTime? At, string? Source, string? By)> RecordedAsync(long id)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.QuerySingleAsync<(string?, DateTime?, string?, string?)>("""
            SELECT attendance, attendance_recorded_at, attendance_source, attendance_recorded_by FROM appointments WHERE id = @id
            """, new { id });
    }

    static async Task<List<(string Actor, string? PersonCf, string? Subject, string? Detail)>> AuditedAsync(string action)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return (await conn.QueryAsync<(string, string?, string?, string?)>(
            "SELECT actor, person_cf, subject, detail::text FROM audit_log WHERE action = @action ORDER BY id", new { action })).ToList();
    }
}
