namespace Dialer.Core.Selection;

public enum ObjectionChannel { Phone, Email, Pec, Letter, CpiDesk, Web }

/// <summary>
/// The "do not call" register (GDPR art. 21): an objection stops every campaign from selecting or
/// dialing the person, and the number objected to, from the day it was made until it is withdrawn.
/// </summary>
public sealed class ObjectionRegister(NpgsqlDataSource db)
{
    public async Task<long> AddAsync(string personCf, string? phoneE164, DateOnly objectedOn, ObjectionChannel channel, string note, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await AddAsync(conn, null, personCf, phoneE164, objectedOn, channel, note, ct);
    }

    /// <summary>The same, inside the caller's transaction (an operator's "do not call" disposition).</summary>
    public static async Task<long> AddAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string personCf, string? phoneE164, DateOnly objectedOn,
        ObjectionChannel channel, string note, CancellationToken ct)
    {
        // A provisional code already linked to its successor is recorded under the successor (recorded_cf keeps the
        // code given): objections.person_cf always names the person (ProvisionalSuccession moves those recorded earlier).
        const string sql = """
            INSERT INTO objections (person_cf, recorded_cf, phone_e164, objected_on, channel, note)
            SELECT coalesce(p.successor_cf, @personCf), CASE WHEN p.successor_cf IS NOT NULL THEN @personCf END,
                   @phoneE164, @objectedOn, @channel, @note
            FROM   (SELECT 1) one
            LEFT   JOIN people p ON p.cf = @personCf
            RETURNING id
            """;
        return await conn.ExecuteScalarAsync<long>(new CommandDefinition(sql, new
        {
            personCf,
            phoneE164,
            objectedOn = objectedOn.ToDateTime(TimeOnly.MinValue),
            channel = ChannelCode(channel),
            note,
        }, tx, cancellationToken: ct));
    }

    public static string ChannelCode(ObjectionChannel channel) => channel switch
    {
        ObjectionChannel.Phone => "phone",
        ObjectionChannel.Email => "email",
        ObjectionChannel.Pec => "pec",
        ObjectionChannel.Letter => "letter",
        ObjectionChannel.CpiDesk => "cpi_desk",
        ObjectionChannel.Web => "web",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, null),
    };
}
