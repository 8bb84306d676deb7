using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dialer.Core.Campaigns;
using Dialer.Core;

namespace Dialer.Api.Pages.Supervision;

/// <summary>
/// The campaign form (docs/supervision.md, "Campagne"): each input is named after its path in the campaign document
/// (<c>cohort.ageMin</c>), which is also its id and the key of its errors, so that Core's "field: message" lands next to
/// its input. Saving starts from the advanced JSON (or the stored document), then writes every form field over it, and
/// hands the result to the same parse, validation and apply as the API and the command line.
/// </summary>
sealed partial class CampaignForm
{
    /// <summary>Where problems that belong to no input of the form are shown: next to the advanced JSON.</summary>
    public const string DocumentField = CampaignDefinition.DocumentField;

    static readonly string[] IntegerFields =
    [
        "cohort.ageMin", "cohort.ageMax", "minMonthsSinceEnd", "maxMonthsSinceEnd", "coolOffDays", "contactListDays", "maxPerNight",
        "dialing.maxAttemptsPerDay", "dialing.maxAttemptsTotal", "dialing.retry.busyMinutes", "dialing.abandonedCoolOffDays",
        "dialing.wrapUpSeconds", "dialing.ringTimeoutSeconds", "attributionMonths",
    ];

    /// <summary>Shares, written with a point or a comma (0.1 or 0,1).</summary>
    static readonly string[] ShareFields = ["controlShare"];

    static readonly string[] TextFields = ["name", "slug", "callerId", "schedule.cron", "cohort.sex", "dialing.mode", "dialing.retry.noAnswer", "dialing.retry.machine"];

    static readonly string[] DateFields = ["cohort.endedFrom", "cohort.endedTo"];

    static readonly string[] ListFields = ["territory.comuni", "cohort.cessationCauses"];

    /// <summary>Every input the form has (a radio group by its name), in page order.</summary>
    static readonly HashSet<string> Inputs =
    [
        .. TextFields, .. IntegerFields, .. ShareFields, .. DateFields, .. ListFields,
        "territory", "territory.cpi", "cohort.contractTypes", "active", "dialing.windows", DocumentField,
    ];

    readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    /// <summary>What an input shows: the value typed, or the stored one.</summary>
    public string this[string field] => values.GetValueOrDefault(field, "");

    public bool Active { get; private set; } = true;
    public IReadOnlyList<string> ContractTypes { get; private set; } = [];

    /// <summary>"cpi" or "comuni".</summary>
    public string TerritoryKind => values.GetValueOrDefault("territory") is "cpi" ? "cpi" : "comuni";

    /// <summary>A new campaign's form: the document's defaults.</summary>
    public static CampaignForm New() => From(new CampaignDefinition { Slug = "", Name = "", CallerId = "", Territory = new Territory() }, document: "");

    /// <summary>The form of a stored campaign, with its whole document in the advanced field.</summary>
    public static CampaignForm From(CampaignDefinition d, string? document = null)
    {
        var form = new CampaignForm { Active = d.Active, ContractTypes = d.Cohort.ContractTypes ?? [] };
        var v = form.values;
        v["name"] = d.Name;
        v["slug"] = d.Slug;
        v["callerId"] = d.CallerId;
        v["territory"] = d.Territory.Cpi is not null ? "cpi" : "comuni";
        v["territory.cpi"] = d.Territory.Cpi ?? "";
        v["territory.comuni"] = string.Join(", ", d.Territory.Comuni ?? []);
        v["cohort.sex"] = d.Cohort.Sex ?? "";
        v["cohort.ageMin"] = Number(d.Cohort.AgeMin);
        v["cohort.ageMax"] = Number(d.Cohort.AgeMax);
        v["cohort.endedFrom"] = d.Cohort.EndedFrom?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
        v["cohort.endedTo"] = d.Cohort.EndedTo?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
        v["cohort.cessationCauses"] = string.Join(", ", d.Cohort.CessationCauses ?? []);
        v["minMonthsSinceEnd"] = Number(d.MinMonthsSinceEnd);
        v["maxMonthsSinceEnd"] = Number(d.MaxMonthsSinceEnd);
        v["coolOffDays"] = Number(d.CoolOffDays);
        v["contactListDays"] = Number(d.ContactListDays);
        v["maxPerNight"] = Number(d.MaxPerNight);
        v["controlShare"] = d.ControlShare.ToString(CultureInfo.InvariantCulture);
        v["attributionMonths"] = Number(d.AttributionMonths);
        v["schedule.cron"] = d.Schedule.Cron;
        v["dialing.mode"] = d.Dialing.Mode == DialingMode.Preview ? "preview" : "progressive";
        v["dialing.windows"] = string.Join("\n", d.Dialing.Windows.Select(WindowLine));
        v["dialing.maxAttemptsPerDay"] = Number(d.Dialing.MaxAttemptsPerDay);
        v["dialing.maxAttemptsTotal"] = Number(d.Dialing.MaxAttemptsTotal);
        v["dialing.retry.busyMinutes"] = Number(d.Dialing.Retry.BusyMinutes);
        v["dialing.retry.noAnswer"] = Step(d.Dialing.Retry.NoAnswer);
        v["dialing.retry.machine"] = Step(d.Dialing.Retry.Machine);
        v["dialing.abandonedCoolOffDays"] = Number(d.Dialing.AbandonedCoolOffDays);
        v["dialing.wrapUpSeconds"] = Number(d.Dialing.WrapUpSeconds);
        v["dialing.ringTimeoutSeconds"] = Number(d.Dialing.RingTimeoutSeconds);
        v[DocumentField] = document ?? d.ToJson();
        return form;
    }

    /// <summary>The form as posted, kept as typed so that a refused save shows it again.</summary>
    public static CampaignForm Posted(IFormCollection posted)
    {
        var form = new CampaignForm
        {
            Active = posted["active"] == "true",
            ContractTypes = [.. posted["cohort.contractTypes"].Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c!)],
        };
        foreach (var field in Inputs.Where(f => f is not ("active" or "cohort.contractTypes")))
            form.values[field] = posted[field].ToString();
        return form;
    }

    /// <summary>
    /// The document to apply: the advanced JSON (or <paramref name="stored"/> when it is left empty), every form field
    /// written over it, the slug fixed to <paramref name="slug"/> when editing. Null with the problems found on the way
    /// (JSON that does not parse, a number that is not one); Core's validation comes after, on the result.
    /// </summary>
    public (string? Json, IReadOnlyList<string> Errors) ToDocument(string? slug, string? stored)
    {
        var errors = new List<string>();
        JsonObject root;
        var advanced = this[DocumentField].Trim();
        try
        {
            root = (advanced.Length > 0 ? JsonNode.Parse(advanced) : stored is not null ? JsonNode.Parse(stored) : new JsonObject()) as JsonObject
                ?? throw new System.Text.Json.JsonException(Text.T("non è un oggetto JSON", "not a JSON object"));
        }
        catch (System.Text.Json.JsonException ex)
        {
            errors.Add(Error(DocumentField, $"il documento JSON non è valido: {ex.Message}", $"the JSON document is not valid: {ex.Message}"));
            root = [];
        }

        // The required texts are written even when empty, so that Core names the field rather than the JSON's shape.
        Set(root, "slug", slug ?? this["slug"].Trim());
        Set(root, "name", this["name"].Trim());
        Set(root, "callerId", this["callerId"].Trim());
        foreach (var field in TextFields.Except(["slug", "name", "callerId"]))
            Set(root, field, this[field].Trim() is { Length: > 0 } text ? text : null);
        foreach (var field in IntegerFields)
        {
            var text = this[field].Trim();
            if (text.Length == 0) Set(root, field, null);
            else if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)) Set(root, field, number);
            else errors.Add(Error(field, "scrivere un numero intero, ad esempio 30.", "write a whole number, e.g. 30."));
        }
        foreach (var field in ShareFields)
        {
            var text = this[field].Trim().Replace(',', '.');
            if (text.Length == 0) Set(root, field, null);
            else if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var share)) Set(root, field, share);
            else errors.Add(Error(field, "scrivere una quota come 0,1 (il 10%).", "write a share such as 0.1 (10%)."));
        }
        foreach (var field in DateFields)
        {
            var text = this[field].Trim();
            if (text.Length == 0) Set(root, field, null);
            else if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                Set(root, field, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            else errors.Add(Error(field, "una data come 31/03/2023.", "a date such as 31/03/2023."));
        }
        Set(root, "active", Active);
        Set(root, "territory", new JsonObject());
        if (TerritoryKind == "cpi") Set(root, "territory.cpi", this["territory.cpi"].Trim() is { Length: > 0 } cpi ? cpi : null);
        else Set(root, "territory.comuni", List(this["territory.comuni"], upper: true));
        Set(root, "cohort.contractTypes", ContractTypes.Count > 0 ? new JsonArray([.. ContractTypes.Select(c => (JsonNode)c)]) : null);
        Set(root, "cohort.cessationCauses", List(this["cohort.cessationCauses"], upper: true));

        var windows = new JsonArray();
        var lines = this["dialing.windows"].Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < lines.Length; i++)
        {
            if (ParseWindow(lines[i]) is { } window) windows.Add(window);
            else errors.Add(Error("dialing.windows",
                $"riga {i + 1}: «{lines[i]}» non è una fascia; scrivere i giorni e l'orario, ad esempio «lun-ven 09:30-12:30».",
                $"line {i + 1}: «{lines[i]}» is not a window; write the days and the hours, e.g. «mon-fri 09:30-12:30»."));
        }
        Set(root, "dialing.windows", windows);
        return errors.Count > 0 ? (null, errors) : (root.ToJsonString(), []);
    }

    /// <summary>
    /// Errors keyed by the input they belong to: a field of the form keeps its own; a calling window's goes to the windows
    /// (with its line); any other (the script, the priority…) to the advanced JSON, naming its path.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ErrorsByInput(IEnumerable<string> errors) => FieldErrors.ByField(errors.Select(error =>
    {
        var colon = error.IndexOf(':');
        var field = colon > 0 ? error[..colon].Trim() : "";
        if (Inputs.Contains(field)) return error;
        if (WindowPath().Match(field) is { Success: true } w)
            return $"dialing.windows: {Text.T("riga", "line")} {int.Parse(w.Groups[1].Value, CultureInfo.InvariantCulture) + 1}:{error[(colon + 1)..]}";
        return $"{DocumentField}: {error}";
    }));

    [GeneratedRegex(@"^dialing\.windows\[(\d+)\](\.\w+)?$")]
    private static partial Regex WindowPath();

    static string Error(string field, string italian, string english) => $"{field}: {Text.T(italian, english)}";

    static string Number(int? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "";

    static string Step(RetryStep step) => step == RetryStep.NextDay ? "next_day" : "next_half_day";

    static JsonArray? List(string text, bool upper)
    {
        var items = text.Split([',', ';', ' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(i => upper ? i.ToUpperInvariant() : i).Distinct().ToList();
        return items.Count == 0 ? null : new JsonArray([.. items.Select(i => (JsonNode)i)]);
    }

    /// <summary>Sets the value at a dotted path, creating the objects on the way; null removes it (the default applies).</summary>
    static void Set(JsonObject root, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var node = root;
        foreach (var part in parts[..^1])
        {
            if (node[part] is not JsonObject child)
            {
                if (value is null) return;
                child = [];
                node[part] = child;
            }
            node = child;
        }
        if (value is null) node.Remove(parts[^1]);
        else node[parts[^1]] = value;
    }

    static readonly (string Code, DayOfWeek Day)[] DayCodes =
    [
        ("lun", DayOfWeek.Monday), ("mar", DayOfWeek.Tuesday), ("mer", DayOfWeek.Wednesday), ("gio", DayOfWeek.Thursday),
        ("ven", DayOfWeek.Friday), ("sab", DayOfWeek.Saturday), ("dom", DayOfWeek.Sunday),
        ("mon", DayOfWeek.Monday), ("tue", DayOfWeek.Tuesday), ("wed", DayOfWeek.Wednesday), ("thu", DayOfWeek.Thursday),
        ("fri", DayOfWeek.Friday), ("sat", DayOfWeek.Saturday), ("sun", DayOfWeek.Sunday),
    ];

    /// <summary>"lun-ven 09:30-12:30" (days as ranges or lists, Italian or English, full or short).</summary>
    static string WindowLine(CallingWindow w)
    {
        var days = w.Days.Distinct().OrderBy(d => ((int)d + 6) % 7).ToList();
        var first = ((int)days[0] + 6) % 7;
        var consecutive = days.Count >= 3 && days.Select((d, i) => ((int)d + 6) % 7 == first + i).All(x => x);
        var text = consecutive ? $"{Short(days[0])}-{Short(days[^1])}" : string.Join(" ", days.Select(Short));
        return $"{text} {Time(w.From)}-{Time(w.To)}";
    }

    static string Short(DayOfWeek day) => DayCodes.First(c => c.Day == day).Code;

    static string Time(TimeOnly t) => t.ToString("HH:mm", CultureInfo.InvariantCulture);

    static JsonObject? ParseWindow(string line)
    {
        var m = WindowLinePattern().Match(line);
        if (!m.Success) return null;
        var days = new List<DayOfWeek>();
        foreach (var token in m.Groups["days"].Value.Split([' ', ',', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            var range = token.Split(['-', '–']);
            if (range.Length == 1 && DayOf(range[0]) is { } day) days.Add(day);
            else if (range.Length == 2 && DayOf(range[0]) is { } from && DayOf(range[1]) is { } to)
            {
                var (a, b) = (((int)from + 6) % 7, ((int)to + 6) % 7);
                if (b < a) return null;
                for (var i = a; i <= b; i++) days.Add((DayOfWeek)((i + 1) % 7));
            }
            else return null;
        }
        return new JsonObject
        {
            ["days"] = new JsonArray([.. days.Select(d => (JsonNode)d.ToString().ToLowerInvariant())]),
            ["from"] = TimeText(m.Groups["from"].Value),
            ["to"] = TimeText(m.Groups["to"].Value),
        };
    }

    static string TimeText(string text) => text.Replace('.', ':').PadLeft(5, '0');

    static DayOfWeek? DayOf(string token)
    {
        var t = token.Trim().ToLowerInvariant();
        if (t.Length < 3) return null;
        foreach (var (code, day) in DayCodes)
            if (t.StartsWith(code, StringComparison.Ordinal)) return day;
        return null;
    }

    [GeneratedRegex(@"^(?<days>.+?)\s+(?<from>\d{1,2}[:.]\d{2})\s*[-–]\s*(?<to>\d{1,2}[:.]\d{2})$")]
    private static partial Regex WindowLinePattern();
}

/// <summary>What the form's partial needs: the form, its errors by input, the CPIs to choose from, and whether it creates.</summary>
sealed record CampaignFormView(CampaignForm Form, IReadOnlyDictionary<string, string> Errors, IReadOnlyList<Dialer.Core.Operators.DeskCpi> Cpis, bool IsNew);
