namespace Dialer.Core.Database;

/// <summary>Npgsql reads a <c>timestamptz</c> through Dapper as a <see cref="DateTime"/> in UTC: this makes it the instant it is.</summary>
public static class Timestamps
{
    public static DateTimeOffset AsUtc(this DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));

    public static DateTimeOffset? AsUtc(this DateTime? at) => at is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
}
