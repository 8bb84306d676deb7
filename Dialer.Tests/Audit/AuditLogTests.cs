using System.Text;
using Dialer.Core.Audit;
using Microsoft.Extensions.Time.Testing;

namespace Dialer.Tests.Audit;

public sealed class AuditLogTests : DatabaseTest
{
    static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    FakeTimeProvider clock = null!;
    AuditLog audit = null!;

    [SetUp]
    public void SetUpAudit()
    {
        clock = new FakeTimeProvider(Now);
        audit = new AuditLog(Db, clock);
    }

    [Test]
    public async Task Entries_are_recorded_with_who_when_and_whose_data_and_read_back_newest_first()
    {
        await audit.RecordAsync(new AuditEntry("m.rossi", AuditActions.SignIn, ActorRole: "operator", ClientIp: "10.0.0.7"), default);
        clock.Advance(TimeSpan.FromMinutes(1));
        await audit.RecordAsync(new AuditEntry("m.rossi", AuditActions.PersonViewed, "operator", PersonCf: " rssmra80a01f205x ", Subject: "attempt:42",
            Detail: new { view = PersonViews.PreviewCard }, ClientIp: "10.0.0.7"), default);

        var page = await audit.PageAsync(new AuditQuery(), default);

        Assert.Multiple(() =>
        {
            Assert.That(page.Entries.Select(e => e.Action), Is.EqualTo(new[] { AuditActions.PersonViewed, AuditActions.SignIn }));
            var viewed = page.Entries[0];
            Assert.That(viewed.At, Is.EqualTo(Now.AddMinutes(1)));
            Assert.That((viewed.Actor, viewed.ActorRole, viewed.PersonCf, viewed.Subject, viewed.ClientIp),
                Is.EqualTo(("m.rossi", "operator", "RSSMRA80A01F205X", "attempt:42", "10.0.0.7")), "the codice fiscale trimmed and in upper case");
            Assert.That(viewed.Detail, Is.EqualTo("""{"view": "preview_card"}"""));
            Assert.That(page.Entries[1].PersonCf, Is.Null);
            Assert.That((page.Older, page.Newer), Is.EqualTo(((long?)null, (long?)null)), "one page: no links");
        });
    }

    [Test]
    public async Task Each_filter_narrows_the_page_to_the_rows_that_match()
    {
        await RecordAsync("m.rossi", AuditActions.SignIn);                                     // 09:00
        await RecordAsync("m.rossi", AuditActions.PersonViewed, "RSSMRA80A01F205X");           // 10:00
        await RecordAsync("l.verdi", AuditActions.PersonViewed, "VRDLCU75B12F205Y");           // 11:00
        await RecordAsync("l.verdi", AuditActions.DispositionRecorded, "RSSMRA80A01F205X");    // 12:00
        await RecordAsync("it.batch (token notturno)", AuditActions.PersonExported);         // 13:00

        Assert.Multiple(async () =>
        {
            Assert.That(await ActorsAndActionsAsync(new AuditQuery { Actor = "l.verdi" }),
                Is.EqualTo(new[] { "l.verdi disposition_recorded", "l.verdi person_viewed" }));
            Assert.That(await ActorsAndActionsAsync(new AuditQuery { Action = AuditActions.PersonViewed }),
                Is.EqualTo(new[] { "l.verdi person_viewed", "m.rossi person_viewed" }));
            Assert.That(await ActorsAndActionsAsync(new AuditQuery { PersonCf = "rssmra80a01f205x" }),
                Is.EqualTo(new[] { "l.verdi disposition_recorded", "m.rossi person_viewed" }), "every row about one person, whoever acted");
            Assert.That(await ActorsAndActionsAsync(new AuditQuery { From = Now.AddHours(1), To = Now.AddHours(3) }),
                Is.EqualTo(new[] { "l.verdi person_viewed", "m.rossi person_viewed" }), "from inclusive, to exclusive");
            Assert.That(await ActorsAndActionsAsync(new AuditQuery { Actor = "it.batch", From = Now.AddHours(4) }),
                Is.EqualTo(new[] { "it.batch (token notturno) person_exported" }), "a user's filter finds what their tokens did");
            Assert.That(await ActorsAndActionsAsync(new AuditQuery { Actor = "m.rossi", Action = AuditActions.DispositionRecorded }), Is.Empty);
        });
    }

    [Test]
    public async Task Pages_are_turned_by_id_both_ways_and_hold_at_most_two_hundred_rows()
    {
        for (var i = 1; i <= 5; i++) await RecordAsync("m.rossi", AuditActions.SignIn, subject: $"s{i}");
        await RecordAsync("l.verdi", AuditActions.SignIn, subject: "other");

        var first = await audit.PageAsync(new AuditQuery { Actor = "m.rossi", PageSize = 2 }, default);
        var second = await audit.PageAsync(new AuditQuery { Actor = "m.rossi", PageSize = 2, Before = first.Older }, default);
        var third = await audit.PageAsync(new AuditQuery { Actor = "m.rossi", PageSize = 2, Before = second.Older }, default);
        var back = await audit.PageAsync(new AuditQuery { Actor = "m.rossi", PageSize = 2, After = second.Newer }, default);

        Assert.Multiple(() =>
        {
            Assert.That(Subjects(first), Is.EqualTo(new[] { "s5", "s4" }));
            Assert.That(first.Newer, Is.Null, "the newest page has no newer one");
            Assert.That(Subjects(second), Is.EqualTo(new[] { "s3", "s2" }));
            Assert.That(Subjects(third), Is.EqualTo(new[] { "s1" }));
            Assert.That(third.Older, Is.Null, "the oldest page has no older one");
            Assert.That(third.Newer, Is.Not.Null);
            Assert.That(Subjects(back), Is.EqualTo(new[] { "s5", "s4" }), "the previous page, still newest first");
            Assert.That((back.Newer, back.Older), Is.EqualTo(((long?)null, first.Older)));
            Assert.That(() => audit.PageAsync(new AuditQuery { PageSize = AuditLog.MaxPageSize + 1 }, default), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => audit.PageAsync(new AuditQuery { PageSize = 0 }, default), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public async Task A_row_recorded_in_the_callers_transaction_commits_or_rolls_back_with_the_change()
    {
        await using (var conn = await Db.OpenConnectionAsync())
        {
            await using var tx = await conn.BeginTransactionAsync();
            await audit.RecordAsync(new AuditEntry("m.rossi", AuditActions.CampaignChanged, Subject: "annullata"), conn, tx, default);
            await tx.RollbackAsync();
        }
        await using (var conn = await Db.OpenConnectionAsync())
        {
            await using var tx = await conn.BeginTransactionAsync();
            await audit.RecordAsync(new AuditEntry("m.rossi", AuditActions.CampaignChanged, Subject: "donne-milano"), conn, tx, default);
            await tx.CommitAsync();
        }

        var page = await audit.PageAsync(new AuditQuery(), default);

        Assert.That(Subjects(page), Is.EqualTo(new[] { "donne-milano" }));
    }

    [Test]
    public void An_entry_without_an_actor_or_with_a_malformed_action_or_detail_is_refused_before_the_database()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => audit.RecordAsync(new AuditEntry(" ", AuditActions.SignIn), default),
                Throws.ArgumentException.With.Message.StartsWith("An audit entry needs an actor."));
            Assert.That(() => audit.RecordAsync(new AuditEntry("m.rossi", "Sign-In"), default),
                Throws.ArgumentException.With.Message.StartsWith("\"Sign-In\" is not an audit action"));
            Assert.That(() => audit.RecordAsync(new AuditEntry("m.rossi", AuditActions.SignIn, Detail: "text"), default),
                Throws.ArgumentException.With.Message.StartsWith("An audit entry's detail must be a JSON object."));
        });
    }

    [Test]
    public async Task The_csv_opens_in_excel_with_a_bom_semicolons_italian_headers_and_quoted_fields()
    {
        await audit.RecordAsync(new AuditEntry("m.rossi", AuditActions.CampaignChanged, "admin", Subject: "nome; con \"virgolette\"\ne a capo",
            ClientIp: "10.0.0.7"), default);
        clock.Advance(TimeSpan.FromHours(1));
        await audit.RecordAsync(new AuditEntry("l.verdi", AuditActions.PersonViewed, "operator", "RSSMRA80A01F205X", "=HYPERLINK(\"x\")",
            new { view = PersonViews.ScreenPop }), default);

        using var output = new MemoryStream();
        await audit.ExportCsvAsync(new AuditQuery(), output, default);
        var bytes = output.ToArray();
        var text = new UTF8Encoding(false).GetString(bytes, 3, bytes.Length - 3);

        Assert.Multiple(() =>
        {
            Assert.That(bytes.Take(3), Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }), "a byte-order mark, so Excel reads UTF-8");
            Assert.That(text, Is.EqualTo(
                "ID;Data e ora (Europe/Rome);Data e ora UTC;Utente;Ruolo;Azione;Codice azione;Codice fiscale;Oggetto;Dettagli;Indirizzo IP\r\n" +
                "1;02/12/2026 10:00:00;2026-12-02T09:00:00Z;m.rossi;admin;Campagna modificata;campaign_changed;;" +
                "\"nome; con \"\"virgolette\"\"\ne a capo\";;10.0.0.7\r\n" +
                "2;02/12/2026 11:00:00;2026-12-02T10:00:00Z;l.verdi;operator;Dati personali consultati;person_viewed;RSSMRA80A01F205X;" +
                "\"'=HYPERLINK(\"\"x\"\")\";\"{\"\"view\"\": \"\"screen_pop\"\"}\";\r\n"),
                "oldest first; a field with ; \" or a line break quoted, quotes doubled; a formula defused with an apostrophe");
        });
    }

    [Test]
    public async Task The_csv_export_applies_the_same_filters_as_the_page()
    {
        await RecordAsync("m.rossi", AuditActions.SignIn);
        await RecordAsync("l.verdi", AuditActions.SignIn);

        using var output = new MemoryStream();
        await audit.ExportCsvAsync(new AuditQuery { Actor = "l.verdi", PageSize = 1 }, output, default);
        var lines = Encoding.UTF8.GetString(output.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.That(lines.Skip(1).Select(l => l.Split(';')[3]), Is.EqualTo(new[] { "l.verdi" }));
    }

    [TestCase("UPDATE audit_log SET actor = 'qualcun.altro'", "UPDATE")]
    [TestCase("DELETE FROM audit_log", "DELETE")]
    [TestCase("DELETE FROM audit_log WHERE id = 1", "DELETE")]
    [TestCase("TRUNCATE audit_log", "TRUNCATE")]
    public async Task The_database_refuses_to_change_or_remove_a_row_even_to_the_superuser(string sql, string operation)
    {
        await RecordAsync("m.rossi", AuditActions.SignIn);
        await using var conn = await Db.OpenConnectionAsync();
        Assert.That(await conn.ExecuteScalarAsync<bool>("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"), Is.True,
            "the tests connect as a superuser, who holds every privilege: only the trigger stands in the way");

        var refused = Assert.ThrowsAsync<PostgresException>(() => conn.ExecuteAsync(sql));

        Assert.Multiple(async () =>
        {
            Assert.That(refused!.SqlState, Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
            Assert.That(refused.MessageText, Is.EqualTo($"audit_log is append-only: {operation} refused"));
            Assert.That(await conn.ExecuteScalarAsync<string>("SELECT actor FROM audit_log"), Is.EqualTo("m.rossi"));
        });
    }

    [Test]
    public async Task A_transaction_that_ran_the_purge_still_cannot_delete_a_row_itself()
    {
        await RecordAsync("m.rossi", AuditActions.SignIn);
        await using var conn = await Db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await conn.ExecuteAsync("SELECT purge_audit_log('2000-01-01T00:00:00Z')", transaction: tx);

        var refused = Assert.ThrowsAsync<PostgresException>(() => conn.ExecuteAsync("DELETE FROM audit_log", transaction: tx));

        Assert.That(refused!.MessageText, Is.EqualTo("audit_log is append-only: DELETE refused"));
    }

    [Test]
    public async Task The_purge_deletes_only_the_rows_older_than_the_cutoff_and_records_itself()
    {
        var cutoff = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        clock = new FakeTimeProvider(cutoff.AddDays(-10));
        audit = new AuditLog(Db, clock);
        foreach (var (at, subject) in new[] { (cutoff.AddDays(-10), "old"), (cutoff.AddTicks(-10), "just before"), (cutoff, "at the cutoff"), (Now, "recent") })
        {
            clock.SetUtcNow(at);
            await audit.RecordAsync(new AuditEntry("m.rossi", AuditActions.SignIn, Subject: subject), default);
        }

        var purged = await audit.PurgeAsync(cutoff, default);
        var page = await audit.PageAsync(new AuditQuery(), default);

        Assert.Multiple(() =>
        {
            Assert.That(purged, Is.EqualTo(2));
            Assert.That(Subjects(page), Is.EqualTo(new string?[] { null, "recent", "at the cutoff" }));
            var own = page.Entries[0];
            Assert.That((own.Actor, own.Action, own.At), Is.EqualTo((AuditActors.System, AuditActions.AuditPurged, Now)));
            Assert.That(own.Detail, Is.EqualTo("""{"count": 2, "cutoff": "2025-01-01T00:00:00+00:00"}"""));
        });
    }

    [Test]
    public async Task The_purge_refuses_a_cutoff_less_than_29_days_ago_and_deletes_nothing()
    {
        await RecordAsync("m.rossi", AuditActions.SignIn);

        // Year 9999 is always in the future of the database's clock, whatever today is.
        var refused = Assert.ThrowsAsync<PostgresException>(() => audit.PurgeAsync(new DateTimeOffset(9999, 1, 1, 0, 0, 0, TimeSpan.Zero), default));

        Assert.Multiple(async () =>
        {
            Assert.That(refused!.SqlState, Is.EqualTo(PostgresErrorCodes.InvalidParameterValue));
            Assert.That(refused.MessageText, Does.Contain("less than 29 days ago"));
            Assert.That(await CountAsync(), Is.EqualTo(1), "neither deleted nor a purge recorded");
        });
    }

    /// <summary>Records an entry an hour after the previous one (the first at <see cref="Now"/>).</summary>
    async Task RecordAsync(string actor, string action, string? personCf = null, string? subject = null)
    {
        if (await CountAsync() > 0) clock.Advance(TimeSpan.FromHours(1));
        await audit.RecordAsync(new AuditEntry(actor, action, PersonCf: personCf, Subject: subject), default);
    }

    async Task<IReadOnlyList<string>> ActorsAndActionsAsync(AuditQuery query) =>
        (await audit.PageAsync(query, default)).Entries.Select(e => $"{e.Actor} {e.Action}").ToList();

    static IReadOnlyList<string?> Subjects(AuditPage page) => page.Entries.Select(e => e.Subject).ToList();

    static async Task<long> CountAsync()
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM audit_log");
    }
}
