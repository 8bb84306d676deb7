using Dialer.Core.Campaigns;
using Hangfire;
using Hangfire.Common;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Scheduling;

/// <summary>A campaign's cron is accepted exactly when Hangfire would accept it for the campaign's recurring job.</summary>
public sealed class CronSyntaxTests : DatabaseTest
{
    static readonly string[] Expressions =
    [
        "0 0 2 * * ?",          // Quartz style, seconds first: the default
        "0 2 * * *",            // five fields
        "*/2 * * * * *",        // six with seconds
        "0 0 2 ? * MON-FRI",    // weekdays
        "0 0 2 L * ?",          // last day of the month
        "0 0 2 15W * ?",        // nearest weekday to the 15th
        "0 0 2 ? * 6#3",        // third Friday
        "@daily",
        "0 0 2 * * ? 2027",     // Quartz's seventh field, the year
        "0 0 2 * * ? *",
        "2 * *",
        "0 0 25 * * ?",
        "every night",
        "",
    ];

    [Test]
    public void Validation_agrees_with_Hangfire_on_every_expression()
    {
        using var host = TestWorkerHost.Create("cron-check");
        var recurringJobs = host.Services.GetRequiredService<IRecurringJobManagerV2>();

        Assert.Multiple(() =>
        {
            foreach (var cron in Expressions)
            {
                var ours = !new CampaignSchedule { Cron = cron }.Validate().Any();
                bool hangfire;
                try
                {
                    recurringJobs.AddOrUpdate("cron-check", Job.FromExpression(() => Console.WriteLine()), cron, new RecurringJobOptions());
                    hangfire = true;
                }
                catch (ArgumentException)
                {
                    hangfire = false;
                }
                Assert.That(ours, Is.EqualTo(hangfire), $"\"{cron}\": we say {(ours ? "valid" : "invalid")}, Hangfire {(hangfire ? "accepts" : "refuses")}");
            }
        });
    }

    [TestCase("0 0 2 * * ? 2027", "it has 7 fields, and only 5, or 6 with seconds, are accepted")]
    [TestCase("0 0 25 * * ?", "schedule.cron: \"0 0 25 * * ?\" is not a cron expression the scheduler accepts")]
    [TestCase("every night", "it has 2 fields")]
    public void An_invalid_cron_gets_an_error_saying_what_is_wrong_and_what_to_write(string cron, string expected)
    {
        var errors = string.Join("\n", InEnglish.Run(() => new CampaignSchedule { Cron = cron }.Validate().ToList()));

        Assert.That(errors, Does.Contain(expected).And.Contain("e.g. \"0 0 2 * * ?\"").And.Contain("no year field"));
    }

    [Test]
    public void The_time_zone_may_only_be_Rome()
    {
        Assert.Multiple(() =>
        {
            Assert.That(new CampaignSchedule { TimeZone = "Europe/Rome" }.Validate(), Is.Empty);
            Assert.That(InEnglish.Run(() => new CampaignSchedule { TimeZone = "Europe/London" }.Validate().ToList()), Has.One.Contains("schedule.timeZone: \"Europe/London\" is not allowed"));
        });
    }
}
