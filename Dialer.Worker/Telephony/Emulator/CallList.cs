using System.Globalization;
using Dialer.Core.Telephony;

namespace Dialer.Worker.Telephony.Emulator;

/// <summary>One page of <c>GET …/Calls.json</c> (docs/twilio-reference.md §1.6), with Twilio's paging envelope.</summary>
public sealed record CallPage(IReadOnlyList<EmulatedCall> Calls, int Page, int PageSize, int Start, string Uri, string FirstPageUri,
    string? NextPageUri, string? PreviousPageUri);

/// <summary>The list filters, newest first, and keyset paging with PageToken=PA&lt;last sid&gt;.</summary>
public static class CallList
{
    static readonly string[] Filters = ["To", "From", "ParentCallSid", "Status", "StartTime", "StartTime<", "StartTime>", "EndTime", "EndTime<", "EndTime>"];

    public static CallPage Query(IEnumerable<EmulatedCall> all, string accountSid, IReadOnlyList<KeyValuePair<string, string>> query)
    {
        string? One(string key) => query.LastOrDefault(p => p.Key == key).Value is { Length: > 0 } v ? v : null;

        var pageSize = One("PageSize") is { } ps
            ? int.TryParse(ps, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 1000 ? n
                : throw TwilioApiException.BadRequest(20001, $"PageSize must be between 1 and 1000, not {ps}")
            : 50;
        var page = One("Page") is { } pg
            ? int.TryParse(pg, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : throw TwilioApiException.BadRequest(20001, $"Invalid Page {pg}")
            : 0;
        if (One("Status") is { } st && !CallStatus.RestStatuses.Contains(st)) throw TwilioApiException.BadRequest(20001, $"Invalid Status {st}");

        var filtered = all.Select(c => (Call: c, View: c.Snapshot())).Where(x => x.View.AccountSid == accountSid).Where(x =>
            (One("To") is not { } to || x.View.To == to) &&
            (One("From") is not { } from || x.View.From == from) &&
            (One("ParentCallSid") is not { } parent || x.View.ParentCallSid == parent) &&
            (One("Status") is not { } status || x.View.Status == status) &&
            Time(x.View.Started, One("StartTime"), One("StartTime<"), One("StartTime>")) &&
            Time(x.View.Ended, One("EndTime"), One("EndTime<"), One("EndTime>")))
            .OrderByDescending(x => x.View.Created).ThenByDescending(x => x.Call.Ordinal).Select(x => x.Call).ToList();

        var start = page * pageSize;
        if (One("PageToken") is { } token)
        {
            var after = token.StartsWith("PA", StringComparison.Ordinal) ? filtered.FindIndex(c => c.Sid == token[2..]) : -1;
            if (after < 0) throw TwilioApiException.BadRequest(20001, $"Invalid PageToken {token}");
            start = after + 1;
        }
        var calls = filtered.Skip(start).Take(pageSize).ToList();

        var basePath = $"/2010-04-01/Accounts/{accountSid}/Calls.json";
        var filterQuery = string.Concat(Filters.Where(f => One(f) is not null).Select(f => $"{Uri.EscapeDataString(f)}={Uri.EscapeDataString(One(f)!)}&"));
        string PageUri(int number, string? pageToken) =>
            $"{basePath}?{filterQuery}PageSize={pageSize}&Page={number}" + (pageToken is null ? "" : $"&PageToken={pageToken}");
        var hasNext = start + calls.Count < filtered.Count;
        return new CallPage(calls, page, pageSize, start, PageUri(page, One("PageToken")), PageUri(0, null),
            hasNext ? PageUri(page + 1, "PA" + calls[^1].Sid) : null, page > 0 ? PageUri(page - 1, null) : null);
    }

    /// <summary>
    /// StartTime/EndTime filters take YYYY-MM-DD or yyyy-MM-ddTHH:mm:ssZ: "=" is that day (or instant), "&gt;" on or after,
    /// "&lt;" before. A call without the time (still queued, or not ended) matches no filter on it.
    /// </summary>
    static bool Time(DateTimeOffset? value, string? on, string? before, string? after)
    {
        if (on is null && before is null && after is null) return true;
        if (value is not { } v) return false;
        if (on is not null)
        {
            var (at, dateOnly) = Parse(on);
            if (dateOnly ? v.UtcDateTime.Date != at.UtcDateTime.Date : Truncate(v) != at) return false;
        }
        if (after is not null && v < Parse(after).At) return false;
        if (before is not null && v >= Parse(before).At) return false;
        return true;
    }

    static DateTimeOffset Truncate(DateTimeOffset v) => new(v.Year, v.Month, v.Day, v.Hour, v.Minute, v.Second, TimeSpan.Zero);

    static (DateTimeOffset At, bool DateOnly) Parse(string value) =>
        DateTimeOffset.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d) ? (d, true)
        : DateTimeOffset.TryParseExact(value, "yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? (t, false)
        : throw TwilioApiException.BadRequest(20001, $"Invalid date {value}: use YYYY-MM-DD or yyyy-MM-ddTHH:mm:ssZ");
}
