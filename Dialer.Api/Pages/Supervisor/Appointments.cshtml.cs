using Dialer.Api.Audit;
using Dialer.Api.Outcomes;
using Dialer.Api.Security;
using Dialer.Core;
using Dialer.Core.Audit;
using Dialer.Core.Dialing.Policy;
using Dialer.Core.Operators;
using Dialer.Core.Outcomes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dialer.Api.Pages.Supervisor;

/// <summary>
/// A CPI's appointments on a day and whether each person came (docs/appointments.md): the CPI and the day in the query
/// string (GET, bookmarkable), one form per appointment to record its attendance, and the upload of a CPI's own file of
/// attendances with its result. Every person listed is an audited view.
/// </summary>
[Authorize(Policy = Roles.Supervisor)]
public sealed class AppointmentsModel(AttendanceRegister register, OperatorDesk desk, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "cpi")]
    public string? Cpi { get; set; }

    [BindProperty(SupportsGet = true, Name = "giorno")]
    public string? Day { get; set; }

    public IReadOnlyList<DeskCpi> Cpis { get; private set; } = [];

    /// <summary>The chosen CPI's appointments on the chosen day; null until both are valid.</summary>
    public AppointmentList? List { get; private set; }

    /// <summary>Errors by field: cpi, giorno, esito-{id} (a row's outcome), file.</summary>
    public Dictionary<string, string> Errors { get; } = [];

    /// <summary>What the user chose on a row whose save was refused, shown again in its select.</summary>
    public Dictionary<long, string> Chosen { get; } = [];

    /// <summary>The appointment whose attendance was just saved.</summary>
    public long? Saved { get; private set; }

    /// <summary>The result of the file just uploaded.</summary>
    public AttendanceImport? Imported { get; private set; }

    public string? ImportedName { get; private set; }

    public DateTimeOffset Now => time.GetUtcNow();

    public async Task OnGetAsync(long? salvato, CancellationToken ct)
    {
        Saved = salvato;
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostAttendanceAsync(long id, string? esito, CancellationToken ct)
    {
        try
        {
            await register.RecordAsync(id, esito, AttendanceSource.Page, HttpContext.AuditEntry(AuditActions.AttendanceRecorded), null, ct);
            return Redirect(Url.Page("/Supervisor/Appointments", new { cpi = Cpi, giorno = Day, salvato = id }) + $"#riga-{id}");
        }
        catch (AttendanceValidationException refused)
        {
            Errors[$"esito-{id}"] = FieldErrors.ByField(refused.Errors).Values.First();
            if (esito is not null) Chosen[id] = esito;
        }
        catch (AppointmentNotFoundException missing)
        {
            Errors[""] = missing.Message;
        }
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostImportAsync(IFormFile? file, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
            Errors["file"] = Text.T("Scegliere il file CSV delle presenze.", "Choose the CSV file of attendances.");
        else if (file.Length > AppointmentsApi.MaxFileBytes)
            Errors["file"] = Text.T($"Il file supera {AppointmentsApi.MaxFileBytes / 1024 / 1024} MB: dividerlo.", $"The file exceeds {AppointmentsApi.MaxFileBytes / 1024 / 1024} MB: split it.");
        else
        {
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, ct);
            try
            {
                Imported = await register.ImportAsync(buffer.ToArray(), HttpContext.AuditEntry(AuditActions.AttendanceRecorded), ct);
                ImportedName = Path.GetFileName(file.FileName);
            }
            catch (AttendanceFileException unreadable)
            {
                Errors["file"] = unreadable.Message;
            }
        }
        if (Errors.Count > 0) Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(ct);
        return Page();
    }

    async Task LoadAsync(CancellationToken ct)
    {
        Cpis = await desk.CpisAsync(ct);
        Cpi = string.IsNullOrWhiteSpace(Cpi) ? Cpis.FirstOrDefault()?.Code : Cpi.Trim().ToUpperInvariant();
        var errors = new List<string>();
        var day = string.IsNullOrWhiteSpace(Day) ? CallingCalendar.LocalDate(time.GetUtcNow()) : AppointmentsApi.Day("giorno", Day, required: true, errors);
        foreach (var (field, message) in FieldErrors.ByField(errors)) Errors[field] = message;
        if (day is null || Cpi is null) return;
        Day = day.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        List = await register.ListAsync(Cpi, day.Value, day.Value, HttpContext.AuditEntry(AuditActions.PersonViewed), ct);
        if (List is null) Errors["cpi"] = Text.T($"Nessun CPI con il codice «{Cpi}».", $"No CPI with the code \"{Cpi}\".");
    }

    public static string ChannelLabel(string channel) => channel switch
    {
        "in_person" => Text.T("In presenza", "In person"),
        "video" => Text.T("Video", "Video"),
        _ => channel,
    };

    public static string ReasonLabel(string reason) =>
        DispositionCatalogue.AppointmentReasons.FirstOrDefault(r => r.Code == reason)?.Label ?? reason;

    public static string SourceLabel(string? source) => source switch
    {
        "page" => Text.T("dalla pagina", "on the page"),
        "api" => Text.T("dall'API", "through the API"),
        "import" => Text.T("da file", "from a file"),
        _ => "",
    };
}
