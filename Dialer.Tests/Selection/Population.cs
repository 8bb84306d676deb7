using System.Globalization;
using Dialer.Core.Campaigns;
using Dialer.Core.Notices;
using Dialer.Tests.Notices;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Tests.Selection;

/// <summary>
/// People built through the real notice import, one per cascade rule, each failing exactly that rule
/// (and passing every rule before it) for <see cref="Campaign"/> on <see cref="AsOf"/>.
/// </summary>
static class Population
{
    public static readonly DateOnly AsOf = new(2025, 6, 2);
    static int sequence;

    public static CampaignDefinition Campaign(string slug = "donne-milano") => new()
    {
        Slug = slug,
        Name = "Donne 30–44, Milano",
        CallerId = "+390277404040",
        Territory = new Territory { Comuni = ["F205"] },
        Cohort = new Cohort
        {
            Sex = "F",
            AgeMin = 30,
            AgeMax = 44,
            EndedFrom = new DateOnly(2024, 1, 1),
            EndedTo = new DateOnly(2024, 12, 31),
            ContractTypes = ["A.02.00", "A.01.00"],
        },
    };

    /// <summary>A woman of 37 in Milano with a mobile, whose fixed-term job ended on 30 June 2024: eligible.</summary>
    public static CsvNotice Eligible(string surname, string? end = null, string birth = "1988-04-12", char sex = 'F', string start = "2024-01-09") =>
        Person(surname, sex, birth) with
    {
        Start = start,
        End = end ?? "2024-06-30",
        Contract = "A.02.00",
        Mobile = "347" + (1000000 + sequence).ToString(CultureInfo.InvariantCulture),
        Domicile = "F205",
    };

    public static CsvNotice Person(string surname, char sex, string birth)
    {
        var n = Interlocked.Increment(ref sequence);
        var cf = CodiceFiscale.Compose(surname, "MARIA", sex, DateOnly.Parse(birth, CultureInfo.InvariantCulture), "F205");
        return new CsvNotice
        {
            Code = "03000240" + n.ToString("00000000", CultureInfo.InvariantCulture),
            Cf = cf,
            Surname = surname,
            Name = "MARIA",
            Sex = sex.ToString(),
            BirthDate = birth,
            SentAt = "2024-01-08T10:00:00",
        };
    }

    public static async Task ImportAsync(params CsvNotice[] notices)
    {
        var summary = await new NoticeIngest(TestDatabase.DataSource, NullLogger<NoticeIngest>.Instance)
            .RunAsync([CsvNotice.Input($"population-{Guid.NewGuid():N}.csv", notices)]);
        Assert.That(summary.Quarantined, Is.Zero, "the population must import cleanly");
    }
}
