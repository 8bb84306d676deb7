using Dialer.Core.Operators;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Dialer.Tests.Operators;

/// <summary>
/// Base for operator and disposition tests: the real roster and directory on the test database, a hand-moved clock,
/// and helpers that insert the campaign and call_attempts rows the tests need.
/// </summary>
public abstract class OperatorsTest : DatabaseTest
{
    /// <summary>Monday 23 November 2026, 10:00 in Rome.</summary>
    protected static readonly DateTimeOffset Start = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    protected static readonly CancellationToken None = CancellationToken.None;

    protected FakeTimeProvider Clock { get; private set; } = null!;
    protected OperatorRoster Roster { get; set; } = null!;
    protected OperatorDirectory Directory { get; private set; } = null!;

    [SetUp]
    public void CreateServices()
    {
        Clock = new FakeTimeProvider(Start);
        Roster = new OperatorRoster(Db, Clock, NullLogger<OperatorRoster>.Instance);
        Directory = new OperatorDirectory(Db, Clock);
    }

    protected static async Task<long> CampaignAsync(string slug = "cob23")
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>("""
            INSERT INTO campaigns (slug, name, active, caller_id, definition)
            VALUES (@slug, @slug, true, '+390277404040', '{}') RETURNING id
            """, new { slug });
    }

    protected async Task<Operator> OperatorAsync(string identity, string? phone = null, params string[] campaigns) =>
        (await Directory.SaveAsync(new OperatorProfile(identity, "Operatore " + identity, "MI_CENTRO", phone, true, campaigns), CancellationToken.None)).Operator;

    protected static async Task<long> AttemptAsync(long campaignId, string cf = "RSSMRA80A01F205X", string phone = "+393471234567")
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>("""
            INSERT INTO call_attempts (campaign_id, person_cf, phone_e164, mode, created_at)
            VALUES (@campaignId, @cf, @phone, 'progressive', now()) RETURNING id
            """, new { campaignId, cf, phone });
    }

    /// <summary>Signs the operator in, reserves them for a new attempt and connects it: the operator is on_call.</summary>
    protected async Task<long> OnCallAsync(string identity, long campaignId, string cf = "RSSMRA80A01F205X", string phone = "+393471234567")
    {
        await Roster.SignInAsync(identity, CancellationToken.None);
        var attemptId = await AttemptAsync(campaignId, cf, phone);
        var reserved = await Roster.TryReserveAsync(identity, campaignId, attemptId, CancellationToken.None);
        Assert.That(reserved, Is.Not.Null, $"{identity} should be reservable");
        Assert.That(await Roster.ConnectAsync(reserved!.OperatorId, attemptId, CancellationToken.None), Is.True);
        return attemptId;
    }

    protected async Task<OperatorPresence> PresenceAsync(string identity) =>
        (await Roster.FindAsync(identity, CancellationToken.None))!;

    protected static async Task<List<(string State, string? PauseReason, DateTime At)>> HistoryAsync(string identity)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return (await conn.QueryAsync<(string, string?, DateTime)>("""
            SELECT h.state, h.pause_reason, h.at FROM operator_presence_history h JOIN operators o ON o.id = h.operator_id
            WHERE o.identity = @identity ORDER BY h.id
            """, new { identity })).ToList();
    }
}
