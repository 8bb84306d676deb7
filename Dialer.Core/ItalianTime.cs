namespace Dialer.Core;

/// <summary>
/// The one time zone of the Italian rules (calling windows, holidays, dates in notices, what operators read):
/// Europe/Rome, from the system's tz database (docs/domain.md §4).
/// </summary>
public static class ItalianTime
{
    public static readonly TimeZoneInfo Rome = TimeZoneInfo.FindSystemTimeZoneById("Europe/Rome");
}
