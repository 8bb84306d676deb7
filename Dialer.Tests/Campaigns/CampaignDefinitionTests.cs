using Dialer.Core.Campaigns;
using Dialer.Core.Selection;

namespace Dialer.Tests.Campaigns;

public sealed class CampaignDefinitionTests
{
    const string Valid = """
        {
          "slug": "cob23-donne-30-44",
          "name": "Cob23 — donne 30–44, Comune di Milano",
          "callerId": "+390277404040",
          "territory": { "comuni": ["F205"] },
          "cohort": { "sex": "F", "ageMin": 30, "ageMax": 44, "endedFrom": "2022-01-01", "endedTo": "2023-03-31",
                      "cessationCauses": ["LI"] },
          "minMonthsSinceEnd": 6,
          "priority": "longest_without_work_first",
          "schedule": { "cron": "0 0 2 * * ?", "timeZone": "Europe/Rome" }
        }
        """;

    [Test]
    public void A_complete_document_parses_with_its_defaults()
    {
        var campaign = CampaignDefinition.Parse(Valid);

        Assert.Multiple(() =>
        {
            Assert.That(campaign.Slug, Is.EqualTo("cob23-donne-30-44"));
            Assert.That(campaign.Active, Is.True);
            Assert.That(campaign.Cohort.EndedTo, Is.EqualTo(new DateOnly(2023, 3, 31)));
            Assert.That(campaign.CoolOffDays, Is.EqualTo(90));
            Assert.That(campaign.ContactListDays, Is.EqualTo(30));
            Assert.That(CampaignDefinition.Parse(campaign.ToJson()), Is.EqualTo(campaign).Using<CampaignDefinition>((a, b) => a.ToJson() == b.ToJson()),
                "what is stored reads back the same");
        });
    }

    [TestCase("\"slug\": \"cob23-donne-30-44\"", "\"slug\": \"Cob 23\"", "slug:")]
    [TestCase("\"callerId\": \"+390277404040\"", "\"callerId\": \"02 7740 4040\"", "callerId:")]
    [TestCase("{ \"comuni\": [\"F205\"] }", "{ \"comuni\": [\"Milano\"] }", "territory.comuni: \"Milano\"")]
    [TestCase("{ \"comuni\": [\"F205\"] }", "{ \"comuni\": [\"F205\"], \"cpi\": \"MILANO\" }", "not both")]
    [TestCase("\"sex\": \"F\"", "\"sex\": \"W\"", "cohort.sex:")]
    [TestCase("\"ageMax\": 44", "\"ageMax\": 25", "cohort.ageMax: not less than ageMin")]
    [TestCase("\"endedTo\": \"2023-03-31\"", "\"endedTo\": \"2021-03-31\"", "cohort.endedTo: not before endedFrom")]
    [TestCase("\"cron\": \"0 0 2 * * ?\"", "\"cron\": \"every night\"", "schedule.cron:")]
    [TestCase("\"timeZone\": \"Europe/Rome\"", "\"timeZone\": \"Mars/Olympus\"", "schedule.timeZone:")]
    [TestCase("\"minMonthsSinceEnd\": 6", "\"minMonthsSinceEnd\": 6, \"maxMonthsSinceEnd\": 3", "maxMonthsSinceEnd:")]
    [TestCase("\"priority\": \"longest_without_work_first\"", "\"priority\": \"random\"", "$.priority")]
    [TestCase("\"minMonthsSinceEnd\": 6", "\"minMonthsSinceEnd\": 6, \"colour\": \"red\"", "colour")]
    public void Each_invalid_field_gets_an_error_naming_it(string field, string replacement, string expected)
    {
        var json = Valid.Replace(field, replacement, StringComparison.Ordinal);
        Assert.That(json, Is.Not.EqualTo(Valid), "the test case must change the document");

        var ex = Assert.Throws<CampaignValidationException>(() => InEnglish.Run(() => CampaignDefinition.Parse(json)));

        Assert.That(string.Join("\n", ex!.Errors), Does.Contain(expected));
    }

    [Test]
    public void The_example_campaigns_shipped_in_deploy_are_valid()
    {
        var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Dialer.sln"))) folder = folder.Parent;
        var files = Directory.GetFiles(Path.Combine(folder!.FullName, "deploy", "campaigns"), "*.json");

        Assert.That(files, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var file in files)
                Assert.That(() => CampaignDefinition.Parse(File.ReadAllText(file)), Throws.Nothing, Path.GetFileName(file));
        });
    }

    [Test]
    public void Each_problem_reads_Italian_by_default_and_English_for_who_chose_it_behind_the_same_field_path()
    {
        var json = Valid.Replace("\"ageMax\": 44", "\"ageMax\": 25", StringComparison.Ordinal).Replace("\"callerId\": \"+390277404040\"", "\"callerId\": \"nope\"", StringComparison.Ordinal);

        var italian = Assert.Throws<CampaignValidationException>(() => CampaignDefinition.Parse(json))!.Errors;
        var english = Assert.Throws<CampaignValidationException>(() => InEnglish.Run(() => CampaignDefinition.Parse(json)))!.Errors;

        Assert.Multiple(() =>
        {
            Assert.That(italian, Has.Some.EqualTo("cohort.ageMax: non meno dell'età minima."));
            Assert.That(english, Has.Some.EqualTo("cohort.ageMax: not less than ageMin."));
            Assert.That(italian, Has.Count.EqualTo(2));
            Assert.That(italian.Select(e => e.Split(':')[0]), Is.EqualTo(english.Select(e => e.Split(':')[0])), "the same fields in both languages");
        });
    }

    [Test]
    public void A_value_of_the_wrong_type_is_reported_against_its_field()
    {
        var ex = Assert.Throws<CampaignValidationException>(() => CampaignDefinition.Parse(Valid.Replace("\"ageMin\": 30", "\"ageMin\": \"trenta\"", StringComparison.Ordinal)));

        Assert.That(ex!.Errors.Single(), Does.StartWith("cohort.ageMin: il documento non è una campagna valida"));
    }

    [Test]
    public void Every_problem_is_reported_at_once()
    {
        var json = Valid.Replace("\"sex\": \"F\"", "\"sex\": \"W\"", StringComparison.Ordinal)
            .Replace("\"callerId\": \"+390277404040\"", "\"callerId\": \"nope\"", StringComparison.Ordinal);

        var ex = Assert.Throws<CampaignValidationException>(() => InEnglish.Run(() => CampaignDefinition.Parse(json)));

        Assert.That(ex!.Errors, Has.Count.EqualTo(2));
    }

    [Test]
    public void Every_rule_has_a_code_and_an_italian_label_and_codes_round_trip()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SelectionRules.InOrder.Select(r => r.Code()), Is.Unique);
            foreach (var rule in SelectionRules.InOrder)
            {
                Assert.That(SelectionRules.FromCode(rule.Code()), Is.EqualTo(rule));
                Assert.That(rule.Label(), Is.Not.Empty);
            }
            Assert.That(() => SelectionRules.FromCode("no_such_rule"), Throws.ArgumentException);
        });
    }
}
