using Dialer.Core.Campaigns;
using Dialer.Core.Dialing;
using Dialer.Core.Dialing.Policy;
using Dialer.Core.Dialing.Queue;

namespace Dialer.Tests.Dialing;

/// <summary>
/// Claims as the dialing round does: the queue's claim, then the contact policy on every claimed contact
/// (<see cref="ContactScreening"/>), which holds or finishes those it refuses. Returns the contacts that may be dialed now.
/// </summary>
static class ScreenedClaims
{
    public static async Task<IReadOnlyList<ClaimedContact>> ClaimAsync(NpgsqlDataSource db, CallQueue queue, TimeProvider clock, long campaignId,
        DialingSettings? settings = null, int max = 10)
    {
        var patronDays = new PatronSaintDays(db, clock);
        var campaign = (await new DialingCampaigns(new CampaignStore(db), patronDays).FindAsync(campaignId, default))!;
        if (settings is not null) campaign = campaign with { Policy = new ContactPolicy(settings, await patronDays.TableAsync(default)) };
        var screening = new ContactScreening(new ContactHistory(db), new CallAttempts(db, clock), queue);
        var passed = new List<ClaimedContact>();
        foreach (var contact in await queue.ClaimAsync(new ClaimRequest(campaignId, "w1", max, TimeSpan.FromMinutes(2)), default))
        {
            if (await screening.ScreenAsync(campaign, contact, clock.GetUtcNow(), default) is not null) passed.Add(contact);
        }
        return passed;
    }

    /// <summary>An attempt that rang the person's phone and ended with <paramref name="outcome"/> at <paramref name="endedAt"/>.</summary>
    public static async Task AttemptAsync(NpgsqlDataSource db, long campaignId, string personCf, string phoneE164, string outcome, DateTimeOffset endedAt,
        bool abandoned = false)
    {
        const string sql = """
            INSERT INTO call_attempts (campaign_id, person_cf, phone_e164, mode, is_callback, created_at, sent_at, placed_at, state,
                                       answered_at, ended_at, outcome, abandoned)
            VALUES (@campaignId, @personCf, @phoneE164, 'progressive', false, @startedAt, @startedAt, @startedAt, 'ended',
                    CASE WHEN @outcome = 'answered' THEN @startedAt END, @endedAt, @outcome, @abandoned)
            """;
        await using var conn = await db.OpenConnectionAsync();
        await conn.ExecuteAsync(sql, new { campaignId, personCf, phoneE164, outcome, endedAt, startedAt = endedAt.AddMinutes(-1), abandoned });
    }
}
