using Dialer.Core.Dialing.Policy;

namespace Dialer.Tests.Dialing.Policy;

public sealed class ItalianHolidaysTests
{
    [TestCase("2026-01-01", "Capodanno")]
    [TestCase("2026-01-06", "Epifania")]
    [TestCase("2026-04-06", "Lunedì dell'Angelo (Pasquetta)")]
    [TestCase("2026-04-25", "Festa della Liberazione")]
    [TestCase("2026-05-01", "Festa del Lavoro")]
    [TestCase("2026-06-02", "Festa della Repubblica")]
    [TestCase("2026-08-15", "Ferragosto (Assunzione)")]
    [TestCase("2026-10-04", "San Francesco d'Assisi")]
    [TestCase("2026-11-01", "Ognissanti")]
    [TestCase("2026-12-08", "Immacolata Concezione")]
    [TestCase("2026-12-25", "Natale")]
    [TestCase("2026-12-26", "Santo Stefano")]
    public void Every_national_holiday_is_recognised_with_its_Italian_name(string date, string name)
    {
        var day = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Multiple(() =>
        {
            Assert.That(ItalianHolidays.IsHoliday(day), Is.True);
            Assert.That(ItalianHolidays.NameOf(day), Is.EqualTo(name));
            Assert.That(ItalianHolidays.In(2026).Select(h => h.Date), Does.Contain(day));
        });
    }

    [Test]
    public void The_year_lists_twelve_holidays_from_2026_and_eleven_before()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ItalianHolidays.In(2026), Has.Count.EqualTo(12));
            Assert.That(ItalianHolidays.In(2025), Has.Count.EqualTo(11));
            Assert.That(ItalianHolidays.In(2026).Select(h => h.Date), Is.Ordered);
        });
    }

    [TestCase(2025, "2025-04-21")]
    [TestCase(2026, "2026-04-06")]
    [TestCase(2027, "2027-03-29")]
    [TestCase(2000, "2000-04-24")]
    [TestCase(2008, "2008-03-24")]
    [TestCase(1943, "1943-04-26")]
    [TestCase(2038, "2038-04-26")]
    [TestCase(2285, "2285-03-23")]
    public void Easter_Monday_is_computed_with_the_Gregorian_computus(int year, string expected)
    {
        var monday = DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Multiple(() =>
        {
            Assert.That(ItalianHolidays.EasterSunday(year).AddDays(1), Is.EqualTo(monday));
            Assert.That(monday.DayOfWeek, Is.EqualTo(DayOfWeek.Monday));
            Assert.That(ItalianHolidays.IsHoliday(monday), Is.True);
            Assert.That(ItalianHolidays.IsHoliday(monday.AddDays(2)), Is.False, "the Wednesday after");
        });
    }

    [Test]
    public void Fourth_of_October_is_a_holiday_only_from_2026()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ItalianHolidays.IsHoliday(new DateOnly(2025, 10, 4)), Is.False, "L. 151/2025 applies from 2026");
            Assert.That(ItalianHolidays.IsHoliday(new DateOnly(2026, 10, 4)), Is.True);
            Assert.That(ItalianHolidays.IsHoliday(new DateOnly(2027, 10, 4)), Is.True);
        });
    }

    [TestCase(2025, DayOfWeek.Saturday, DayOfWeek.Sunday, DayOfWeek.Monday)]
    [TestCase(2026, DayOfWeek.Sunday, DayOfWeek.Monday, DayOfWeek.Tuesday)]
    [TestCase(2027, DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday)]
    public void The_table_of_domain_italy_holds(int year, DayOfWeek october4, DayOfWeek december7, DayOfWeek december8)
    {
        Assert.Multiple(() =>
        {
            Assert.That(new DateOnly(year, 10, 4).DayOfWeek, Is.EqualTo(october4));
            Assert.That(new DateOnly(year, 12, 7).DayOfWeek, Is.EqualTo(december7));
            Assert.That(new DateOnly(year, 12, 8).DayOfWeek, Is.EqualTo(december8));
            Assert.That(ItalianHolidays.IsHoliday(new DateOnly(year, 12, 8)), Is.True);
            Assert.That(ItalianHolidays.IsHoliday(new DateOnly(year, 12, 7)), Is.False, "7 December is Milan's patron day, not national");
        });
    }

    [Test]
    public void A_holiday_on_a_weekend_is_not_moved()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ItalianHolidays.IsHoliday(new DateOnly(2026, 10, 5)), Is.False, "4 October 2026 is a Sunday");
            Assert.That(ItalianHolidays.IsHoliday(new DateOnly(2027, 12, 27)), Is.False, "25 December 2027 is a Saturday");
            Assert.That(ItalianHolidays.IsHoliday(new DateOnly(2026, 8, 17)), Is.False, "15 August 2026 is a Saturday");
        });
    }

    [TestCase("2026-03-19")]
    [TestCase("2026-04-05")]
    [TestCase("2026-11-02")]
    [TestCase("2026-12-24")]
    [TestCase("2026-12-31")]
    public void Ordinary_days_are_not_holidays(string date) =>
        Assert.That(ItalianHolidays.NameOf(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)), Is.Null);
}
