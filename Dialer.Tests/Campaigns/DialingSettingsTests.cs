using Dialer.Core.Campaigns;

namespace Dialer.Tests.Campaigns;

public sealed class DialingSettingsTests
{
    const string WithoutDialing = """
        {
          "slug": "cob23-donne-30-44",
          "name": "Cob23",
          "callerId": "+390277404040",
          "territory": { "comuni": ["F205"] }
        }
        """;

    internal const string WithDialing = """
        {
          "slug": "cob23-donne-30-44",
          "name": "Cob23",
          "callerId": "+390277404040",
          "territory": { "comuni": ["F205"] },
          "dialing": {
            "mode": "preview",
            "windows": [
              { "days": ["monday", "tuesday", "wednesday"], "from": "09:30", "to": "12:30" },
              { "days": ["saturday"], "from": "10:00", "to": "12:00" }
            ],
            "maxAttemptsPerDay": 2,
            "maxAttemptsTotal": 5,
            "retry": { "busyMinutes": 45, "noAnswer": "next_day", "machine": "next_half_day" },
            "abandonedCoolOffDays": 7,
            "wrapUpSeconds": 90,
            "ringTimeoutSeconds": 30
          }
        }
        """;

    [Test]
    public void A_campaign_without_dialing_settings_parses_with_the_defaults()
    {
        var dialing = CampaignDefinition.Parse(WithoutDialing).Dialing;

        Assert.Multiple(() =>
        {
            Assert.That(dialing.Mode, Is.EqualTo(DialingMode.Progressive));
            Assert.That(dialing.Windows, Has.Count.EqualTo(2));
            Assert.That(dialing.Windows[0].Days, Is.EqualTo(new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }));
            Assert.That((dialing.Windows[0].From, dialing.Windows[0].To), Is.EqualTo((new TimeOnly(9, 30), new TimeOnly(12, 30))));
            Assert.That((dialing.Windows[1].From, dialing.Windows[1].To), Is.EqualTo((new TimeOnly(14, 0), new TimeOnly(18, 0))));
            Assert.That((dialing.MaxAttemptsPerDay, dialing.MaxAttemptsTotal), Is.EqualTo((1, 4)));
            Assert.That((dialing.Retry.BusyMinutes, dialing.Retry.NoAnswer, dialing.Retry.Machine), Is.EqualTo((30, RetryStep.NextHalfDay, RetryStep.NextDay)));
            Assert.That((dialing.AbandonedCoolOffDays, dialing.WrapUpSeconds, dialing.RingTimeoutSeconds), Is.EqualTo((5, 120, 25)));
        });
    }

    [Test]
    public void Every_dialing_field_is_read_and_written_back_the_same()
    {
        var campaign = CampaignDefinition.Parse(WithDialing);
        var dialing = campaign.Dialing;

        Assert.Multiple(() =>
        {
            Assert.That(dialing.Mode, Is.EqualTo(DialingMode.Preview));
            Assert.That(dialing.Windows[1].Days, Is.EqualTo(new[] { DayOfWeek.Saturday }));
            Assert.That(dialing.Windows[1].To, Is.EqualTo(new TimeOnly(12, 0)));
            Assert.That((dialing.MaxAttemptsPerDay, dialing.MaxAttemptsTotal), Is.EqualTo((2, 5)));
            Assert.That((dialing.Retry.BusyMinutes, dialing.Retry.NoAnswer, dialing.Retry.Machine), Is.EqualTo((45, RetryStep.NextDay, RetryStep.NextHalfDay)));
            Assert.That((dialing.AbandonedCoolOffDays, dialing.WrapUpSeconds, dialing.RingTimeoutSeconds), Is.EqualTo((7, 90, 30)));
            Assert.That(campaign.ToJson(), Does.Contain("\"from\": \"09:30\"").And.Contain("\"mode\": \"preview\""));
            Assert.That(CampaignDefinition.Parse(campaign.ToJson()).ToJson(), Is.EqualTo(campaign.ToJson()));
        });
    }

    [TestCase("\"to\": \"12:30\"", "\"to\": \"09:00\"", "dialing.windows[0]: \"from\" 09:30 must be before \"to\" 09:00")]
    [TestCase("\"from\": \"10:00\", \"to\": \"12:00\"", "\"from\": \"10:00\", \"to\": \"10:00\"", "dialing.windows[1]: \"from\" 10:00 must be before \"to\" 10:00")]
    [TestCase("\"from\": \"09:30\"", "\"from\": \"08:30\"", "dialing.windows[0]: 08:30–12:30 on monday is outside the allowed 09:00–20:00")]
    [TestCase("\"to\": \"12:30\"", "\"to\": \"20:30\"", "on monday is outside the allowed 09:00–20:00")]
    [TestCase("\"from\": \"10:00\", \"to\": \"12:00\"", "\"from\": \"09:30\", \"to\": \"12:00\"", "dialing.windows[1]: 09:30–12:00 on saturday is outside the allowed 10:00–19:00")]
    [TestCase("[\"saturday\"]", "[\"sunday\"]", "dialing.windows[1].days: sunday is never callable")]
    [TestCase("[\"saturday\"]", "[\"monday\"]", "dialing.windows[0] and dialing.windows[1] overlap on monday (09:30–12:30 and 10:00–12:00)")]
    [TestCase("[\"saturday\"]", "[\"friday\", \"friday\"]", "dialing.windows[1].days: friday is listed more than once")]
    [TestCase("[\"saturday\"]", "[]", "dialing.windows[1].days: list at least one day")]
    [TestCase("\"maxAttemptsPerDay\": 2", "\"maxAttemptsPerDay\": 0", "dialing.maxAttemptsPerDay: between 1 and 10")]
    [TestCase("\"maxAttemptsTotal\": 5", "\"maxAttemptsTotal\": 0", "dialing.maxAttemptsTotal: between 1 and 20")]
    [TestCase("\"maxAttemptsTotal\": 5", "\"maxAttemptsTotal\": 1", "dialing.maxAttemptsPerDay: not more than maxAttemptsTotal")]
    [TestCase("\"busyMinutes\": 45", "\"busyMinutes\": 0", "dialing.retry.busyMinutes: between 1 and 1440")]
    [TestCase("\"abandonedCoolOffDays\": 7", "\"abandonedCoolOffDays\": 0", "dialing.abandonedCoolOffDays: between 1 and 365")]
    [TestCase("\"wrapUpSeconds\": 90", "\"wrapUpSeconds\": 5", "dialing.wrapUpSeconds: between 10 and 1800")]
    [TestCase("\"ringTimeoutSeconds\": 30", "\"ringTimeoutSeconds\": 120", "dialing.ringTimeoutSeconds: between 10 and 60")]
    [TestCase("\"from\": \"09:30\"", "\"from\": \"9.30\"", "$.dialing.windows[0].from")]
    [TestCase("\"from\": \"09:30\"", "\"from\": \"9.30\"", "write it as \"HH:mm\"")]
    [TestCase("\"mode\": \"preview\"", "\"mode\": \"predictive\"", "$.dialing.mode")]
    [TestCase("\"noAnswer\": \"next_day\"", "\"noAnswer\": \"tomorrow\"", "$.dialing.retry.noAnswer")]
    [TestCase("\"ringTimeoutSeconds\": 30", "\"ringTimeoutSeconds\": 30, \"predictive\": true", "predictive")]
    public void Each_invalid_dialing_field_gets_an_error_naming_it(string field, string replacement, string expected)
    {
        var json = WithDialing.Replace(field, replacement, StringComparison.Ordinal);
        Assert.That(json, Is.Not.EqualTo(WithDialing), "the test case must change the document");

        var ex = Assert.Throws<CampaignValidationException>(() => InEnglish.Run(() => CampaignDefinition.Parse(json)));

        Assert.That(string.Join("\n", ex!.Errors), Does.Contain(expected));
    }

    [Test]
    public void An_empty_window_list_is_refused() =>
        Assert.That(InEnglish.Run(() => new DialingSettings { Windows = [] }.Validate().ToList()), Has.Some.Contains("dialing.windows: list at least one calling window"));

    [Test]
    public void Windows_that_touch_do_not_overlap()
    {
        var settings = new DialingSettings
        {
            Windows =
            [
                new CallingWindow { Days = [DayOfWeek.Monday], From = new TimeOnly(9, 30), To = new TimeOnly(12, 30) },
                new CallingWindow { Days = [DayOfWeek.Monday], From = new TimeOnly(12, 30), To = new TimeOnly(14, 0) },
            ],
        };

        Assert.That(settings.Validate(), Is.Empty);
    }
}
