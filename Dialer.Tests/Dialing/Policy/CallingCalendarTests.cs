using System.Globalization;
using Dialer.Core.Campaigns;
using Dialer.Core.Dialing.Policy;

namespace Dialer.Tests.Dialing.Policy;

public sealed class CallingCalendarTests
{
    internal const string Milano = "F205";
    internal const string Monza = "F704";

    internal static readonly PatronDayTable PatronDays = new([new PatronDay(Milano, 12, 7, "Sant'Ambrogio")]);

    static readonly CallingCalendar Calendar = new(CallingWindow.Defaults, PatronDays);

    /// <summary>A Rome local time written with its offset (+01:00 in winter, +02:00 in summer), independent of the code under test.</summary>
    internal static DateTimeOffset At(string local) => DateTimeOffset.Parse(local, CultureInfo.InvariantCulture);

    // Wednesday 11 March 2026, an ordinary winter weekday (CET, +01:00).
    [TestCase("2026-03-11T09:29:59+01:00", false)]
    [TestCase("2026-03-11T09:30:00+01:00", true)]
    [TestCase("2026-03-11T12:29:59+01:00", true)]
    [TestCase("2026-03-11T12:30:00+01:00", false)]
    [TestCase("2026-03-11T13:59:59+01:00", false)]
    [TestCase("2026-03-11T14:00:00+01:00", true)]
    [TestCase("2026-03-11T17:59:59+01:00", true)]
    [TestCase("2026-03-11T18:00:00+01:00", false)]
    [TestCase("2026-03-11T03:00:00+01:00", false)]
    // Wednesday 10 June 2026, summer time (CEST, +02:00): the same local edges.
    [TestCase("2026-06-10T09:29:59+02:00", false)]
    [TestCase("2026-06-10T09:30:00+02:00", true)]
    [TestCase("2026-06-10T17:59:59+02:00", true)]
    [TestCase("2026-06-10T18:00:00+02:00", false)]
    public void Window_edges_are_local_and_half_open(string instant, bool open)
    {
        var utc = At(instant).ToUniversalTime();

        Assert.Multiple(() =>
        {
            Assert.That(Calendar.IsOpen(utc, Monza), Is.EqualTo(open));
            Assert.That(Calendar.ClosedReason(utc, Monza), open ? Is.Null : Is.EqualTo(PolicyReasons.OutsideCallingWindow));
        });
    }

    [TestCase("2026-03-14T10:00:00+01:00", "2026-03-16T09:30:00+01:00", PolicyReasons.OutsideCallingWindow, Description = "Saturday")]
    [TestCase("2026-03-15T11:00:00+01:00", "2026-03-16T09:30:00+01:00", PolicyReasons.OutsideCallingWindow, Description = "Sunday")]
    [TestCase("2026-03-11T12:45:00+01:00", "2026-03-11T14:00:00+01:00", PolicyReasons.OutsideCallingWindow, Description = "lunch")]
    [TestCase("2026-03-13T18:00:00+01:00", "2026-03-16T09:30:00+01:00", PolicyReasons.OutsideCallingWindow, Description = "Friday evening")]
    [TestCase("2026-04-06T10:00:00+02:00", "2026-04-07T09:30:00+02:00", PolicyReasons.PublicHoliday, Description = "Easter Monday")]
    [TestCase("2026-12-25T10:00:00+01:00", "2026-12-28T09:30:00+01:00", PolicyReasons.PublicHoliday, Description = "Christmas, then Santo Stefano and Sunday")]
    [TestCase("2026-10-02T18:30:00+02:00", "2026-10-05T09:30:00+02:00", PolicyReasons.OutsideCallingWindow, Description = "4 October 2026 on a Sunday")]
    public void Closed_instants_give_a_reason_and_the_next_opening(string instant, string next, string reason)
    {
        var utc = At(instant).ToUniversalTime();

        Assert.Multiple(() =>
        {
            Assert.That(Calendar.ClosedReason(utc, Monza), Is.EqualTo(reason));
            Assert.That(Calendar.NextOpening(utc, Monza), Is.EqualTo(At(next)));
            Assert.That(Calendar.IsOpen(Calendar.NextOpening(utc, Monza), Monza), Is.True);
        });
    }

    [Test]
    public void Open_instant_is_its_own_next_opening()
    {
        var utc = At("2026-03-11T10:15:00+01:00");

        Assert.That(Calendar.NextOpening(utc, Monza), Is.EqualTo(utc));
    }

    [Test]
    public void Seventh_of_December_is_closed_in_Milan_but_not_in_another_comune()
    {
        var utc = At("2026-12-07T10:30:00+01:00").ToUniversalTime();

        Assert.Multiple(() =>
        {
            Assert.That(Calendar.ClosedReason(utc, Milano), Is.EqualTo(PolicyReasons.PatronSaintDay));
            Assert.That(Calendar.IsOpen(utc, Monza), Is.True);
            Assert.That(Calendar.IsOpen(utc, null), Is.True, "an unknown comune has no patron day");
            Assert.That(Calendar.NextOpening(utc, Milano), Is.EqualTo(At("2026-12-09T09:30:00+01:00")), "8 December is a national holiday");
        });
    }

    [Test]
    public void On_the_eve_of_a_national_holiday_calls_start_at_ten()
    {
        var early = At("2026-12-24T09:45:00+01:00").ToUniversalTime();

        Assert.Multiple(() =>
        {
            Assert.That(Calendar.IsOpen(early, Monza), Is.False);
            Assert.That(Calendar.NextOpening(early, Monza), Is.EqualTo(At("2026-12-24T10:00:00+01:00")));
            Assert.That(Calendar.IsOpen(At("2026-12-23T09:45:00+01:00"), Monza), Is.True, "the day before is ordinary");
        });
    }

    // Daylight saving time starts on Sunday 29 March 2026 and ends on Sunday 25 October 2026: a Friday-evening decision
    // lands on Monday at 09:30 local, whose UTC hour differs from Friday's offset.
    [TestCase("2026-03-27T18:30:00+01:00", "2026-03-30T09:30:00+02:00", 7, Description = "spring: to summer time")]
    [TestCase("2026-10-23T18:30:00+02:00", "2026-10-26T09:30:00+01:00", 8, Description = "autumn: back to winter time")]
    public void Across_the_switch_the_next_opening_keeps_local_half_past_nine(string friday, string monday, int utcHour)
    {
        var next = Calendar.NextOpening(At(friday).ToUniversalTime(), Monza);

        Assert.Multiple(() =>
        {
            Assert.That(next, Is.EqualTo(At(monday)));
            Assert.That((next.UtcDateTime.Hour, next.UtcDateTime.Minute), Is.EqualTo((utcHour, 30)));
        });
    }

    [Test]
    public void Local_day_boundaries_follow_Rome_across_the_switch()
    {
        Assert.Multiple(() =>
        {
            Assert.That(CallingCalendar.StartOfLocalDay(At("2026-03-29T10:00:00+02:00")), Is.EqualTo(At("2026-03-29T00:00:00+01:00")));
            Assert.That(CallingCalendar.StartOfNextLocalDay(At("2026-10-25T23:30:00+01:00")), Is.EqualTo(At("2026-10-26T00:00:00+01:00")));
            Assert.That(CallingCalendar.LocalDate(At("2026-06-10T23:30:00+00:00")), Is.EqualTo(new DateOnly(2026, 6, 11)));
        });
    }

    [Test]
    public void Patron_day_table_answers_by_date_and_by_comune()
    {
        var table = new PatronDayTable([
            new PatronDay(Milano, 12, 7, "Sant'Ambrogio"),
            new PatronDay("C707", 12, 7, "Sant'Ambrogio"),
            new PatronDay("I690", 6, 24, "San Giovanni Battista"),
        ]);

        Assert.Multiple(() =>
        {
            Assert.That(table.ComuniOn(new DateOnly(2026, 12, 7)), Is.EqualTo(new[] { "C707", Milano }));
            Assert.That(table.ComuniOn(new DateOnly(2026, 6, 24)), Is.EqualTo(new[] { "I690" }));
            Assert.That(table.ComuniOn(new DateOnly(2026, 6, 25)), Is.Empty);
            Assert.That(table.IsPatronDay("I690", new DateOnly(2027, 6, 24)), Is.True);
            Assert.That(table.IsPatronDay(Milano, new DateOnly(2027, 6, 24)), Is.False);
        });
    }
}
