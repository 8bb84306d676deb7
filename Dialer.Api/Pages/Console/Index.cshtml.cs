using Dialer.Api.Audit;
using Dialer.Api.Security;
using Dialer.Core;
using Dialer.Core.Audit;
using Dialer.Core.Campaigns;
using Dialer.Core.Dialing;
using Dialer.Core.Operators;
using Dialer.Core.Outcomes;
using Dialer.Core.Telephony;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Dialer.Api.Pages.Console;

/// <summary>What the operator has to do now: the console's main region follows it (docs/console.md, "States").</summary>
public enum DeskState { SignedOut, Waiting, Card, Ringing, Connected, WrapUp, Paused }

/// <summary>
/// The operator console (docs/console.md): one page, five regions, rendered on the server from the operator's presence
/// and the call in hand. Every action is a plain form POST that works without JavaScript (then the page reloads);
/// console.js replaces the forms' posts with the API's routes and refreshes the regions from <see cref="OnGetStatoAsync"/>
/// when the event stream says something changed.
/// </summary>
[Authorize(Policy = Roles.Operator)]
public sealed class IndexModel(OperatorDirectory directory, OperatorRoster roster, OperatorDesk desk, PreviewDialer preview,
    DispositionLedger dispositions, ITelephonyClient telephony, IOptions<TelephonyOptions> telephonyOptions, SoftphoneTokens softphoneTokens,
    TimeProvider time) : PageModel
{
    public Operator Me { get; private set; } = null!;
    public OperatorPresence Presence { get; private set; } = null!;
    public DeskState State { get; private set; }
    public DeskCall? Call { get; private set; }
    public IReadOnlyList<DeskCallback> Callbacks { get; private set; } = [];
    public DeskFigures Figures { get; private set; } = new(0, 0, 0, 0, 0, 0);
    public long Waiting { get; private set; }
    public IReadOnlyList<DeskCpi> Cpis { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }

    /// <summary>The campaign's script for the call in hand, merge fields filled (docs/operators.md "Script").</summary>
    public (string Opening, string PrivacyNotice)? Script { get; private set; }

    /// <summary>The outcome form as posted (kept when it comes back with errors) and its errors by input id.</summary>
    public OutcomeForm Form { get; private set; } = new();
    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();

    /// <summary>A message from the last action (a refused move, "nobody to call"), shown above the main region.</summary>
    [TempData]
    public string? Notice { get; set; }

    public bool HasNotice => !string.IsNullOrEmpty(Notice);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotProfiled();
        return Page();
    }

    /// <summary>The regions alone (no layout), for console.js to swap in after an event.</summary>
    public async Task<IActionResult> OnGetStatoAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotProfiled();
        return Partial("_Regions", this);
    }

    public Task<IActionResult> OnPostEntraAsync(CancellationToken ct) => MoveAsync(() => roster.SignInAsync(User.Username(), ct), ct);

    public Task<IActionResult> OnPostAltroTempoAsync(CancellationToken ct) => MoveAsync(() => roster.ExtendWrapUpAsync(User.Username(), ct), ct);

    public Task<IActionResult> OnPostDisponibileAsync(CancellationToken ct) => MoveAsync(() => roster.SetAvailableAsync(User.Username(), ct), ct);

    public Task<IActionResult> OnPostEsciAsync(CancellationToken ct) => MoveAsync(() => roster.SignOutAsync(User.Username(), ct), ct);

    public Task<IActionResult> OnPostPausaAsync(string? reason, CancellationToken ct)
    {
        if (!Core.Operators.SnakeCase.TryParse<PauseReason>(reason, out var parsed) || !PauseReasons.All.Any(r => r.Code == parsed && r.ChosenByOperator))
        {
            Notice = Text.T("Scegliere il motivo della pausa.", "Choose the reason for the pause.");
            return Task.FromResult<IActionResult>(RedirectToPage());
        }
        return MoveAsync(() => roster.PauseAsync(User.Username(), parsed, ct), ct);
    }

    public Task<IActionResult> OnPostProssimaAsync(CancellationToken ct) => MoveAsync(async () =>
    {
        if (await preview.NextAsync(User.Username(), ct) is null) Notice = Text.T("Nessuna persona da chiamare adesso.", "Nobody to call right now.");
    }, ct);

    public Task<IActionResult> OnPostChiamaAsync(long attemptId, CancellationToken ct) =>
        MoveAsync(() => preview.CallAsync(User.Username(), attemptId, ct), ct);

    public Task<IActionResult> OnPostSaltaAsync(long attemptId, string? reason, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(reason))
        {
            Notice = Text.T("Per saltare la persona scegliere il motivo.", "To skip the person, choose the reason.");
            return Task.FromResult<IActionResult>(RedirectToPage());
        }
        return MoveAsync(() => preview.SkipAsync(User.Username(), attemptId, reason, ct), ct);
    }

    /// <summary>
    /// Riaggancia: the operator ends the call in hand through the provider (desk phone, browser or the emulator alike);
    /// the call's end then moves them to wrap-up as any other end does.
    /// </summary>
    public Task<IActionResult> OnPostRiagganciaAsync(CancellationToken ct) => MoveAsync(async () =>
    {
        if (!await LoadAsync(ct)) return;
        if (State != DeskState.Connected && State != DeskState.Ringing || Call?.CallSid is not { } callSid)
        {
            Notice = Text.T("Nessuna chiamata in corso da chiudere.", "There is no call in progress to hang up.");
            return;
        }
        await telephony.HangUpAsync(callSid, ct);
    }, ct);

    /// <summary>
    /// The outcome form: validated by the disposition ledger, its messages in the operator's language next to each field. A refused form
    /// comes back with status 400 and what was typed; a recorded one redirects (or, for console.js, returns the regions).
    /// </summary>
    public async Task<IActionResult> OnPostEsitoAsync([FromForm] OutcomeForm form, CancellationToken ct)
    {
        Form = form;
        var errors = form.Check();
        if (errors.Count == 0)
        {
            try
            {
                var recorded = await dispositions.RecordAsync(form.AttemptId, User.Username(), form.ToRequest(), ct);
                await HttpContext.AuditDispositionAsync(recorded);
                // A full slot is booked all the same; the ledger's warning (in the operator's language) follows the confirmation.
                var warnings = (recorded.Warnings ?? []).Select(w => w.Contains(':', StringComparison.Ordinal) ? w[(w.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim() : w);
                Notice = string.Join(Text.T(" Attenzione: ", " Warning: "), [Text.T("Esito salvato.", "Outcome saved."), .. warnings]);
                Form = new OutcomeForm();
                if (IsScript) return await RegionsAsync(ct);
                return RedirectToPage();
            }
            catch (DispositionValidationException ex)
            {
                errors = OutcomeMessages.ForInputs(ex.Errors);
            }
            catch (Exception ex) when (ex is DispositionConflictException or CallNotFoundException)
            {
                errors = new Dictionary<string, string> { [""] = Text.T("L'esito non si può registrare: ", "The outcome cannot be recorded: ") + ex.Message };
            }
        }
        Errors = errors;
        // console.js gets the regions with the errors as a normal answer (a 400 would be a failed load in the browser's
        // console); the page's own POST is a 400.
        if (!IsScript) Response.StatusCode = StatusCodes.Status400BadRequest;
        if (!await LoadAsync(ct)) return NotProfiled();
        return IsScript ? Partial("_Regions", this) : Page();
    }

    /// <summary>console.js posts forms with this header and swaps in the regions it gets back.</summary>
    bool IsScript => Request.Headers["X-Requested-With"] == "fetch";

    async Task<IActionResult> RegionsAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotProfiled();
        return Partial("_Regions", this);
    }

    /// <summary>A presence or preview move; a refusal becomes the notice above the main region (post, redirect, get).</summary>
    async Task<IActionResult> MoveAsync(Func<Task> move, CancellationToken ct)
    {
        try
        {
            await move();
        }
        catch (Exception ex) when (ex is PresenceMoveRefusedException or SkipReasonException or OperatorNotFoundException)
        {
            Notice = Text.T("Operazione non consentita: ", "Not allowed: ") + ex.Message;
        }
        return IsScript ? await RegionsAsync(ct) : RedirectToPage();
    }

    /// <summary>An operator account with no operator profile (an admin defines it): the page says so instead of failing.</summary>
    ContentResult NotProfiled() => new()
    {
        StatusCode = StatusCodes.Status409Conflict,
        ContentType = "text/plain; charset=utf-8",
        Content = Text.T($"L'account {User.Username()} non ha ancora un profilo di operatore: chiedere a un amministratore di crearlo.",
            $"The account {User.Username()} has no operator profile yet: ask an administrator to create one."),
    };

    async Task<bool> LoadAsync(CancellationToken ct)
    {
        Now = time.GetUtcNow();
        if (await directory.FindAsync(User.Username(), ct) is not { } me || await roster.FindAsync(me.Identity, ct) is not { } presence) return false;
        Me = me;
        Presence = presence;
        if (presence.AttemptId is { } attemptId) Call = await desk.CallAsync(attemptId, me.Id, ct);
        if (Call is not null)
            Script = (await desk.ScriptAsync(Call.CampaignId, ct)).Render(new ScriptFields(Call.FirstName, Call.Surname, me.DisplayName, Call.CpiName));
        State = presence.State switch
        {
            PresenceState.SignedOut => DeskState.SignedOut,
            PresenceState.Available => DeskState.Waiting,
            PresenceState.Reserved when Call is { AttemptState: "preview" } => DeskState.Card,
            PresenceState.Reserved => DeskState.Ringing,
            PresenceState.OnCall => DeskState.Connected,
            PresenceState.WrapUp => DeskState.WrapUp,
            PresenceState.Paused when presence.DispositionOwed => DeskState.WrapUp,
            PresenceState.Paused => DeskState.Paused,
            _ => DeskState.Waiting,
        };
        // The card, or the person in line: a view of personal data (once per hour per call, however often the regions redraw).
        if (Call is not null && State is DeskState.Card or DeskState.Ringing or DeskState.Connected or DeskState.WrapUp)
            await HttpContext.AuditPersonViewAsync(Call.AttemptId, State == DeskState.Card ? PersonViews.PreviewCard : PersonViews.ScreenPop);
        if (Form.AttemptId == 0 && Call is not null) Form = Form with { AttemptId = Call.AttemptId, Cpi = Call.CpiCode ?? me.CpiCode };
        Callbacks = await desk.CallbacksAsync(me.Id, ct);
        Figures = await desk.FiguresAsync(me.Id, ct);
        Waiting = State == DeskState.Waiting ? await desk.WaitingAsync(me.Id, ct) : 0;
        if (State is DeskState.Connected or DeskState.WrapUp) Cpis = await desk.CpisAsync(ct);
        return true;
    }

    /// <summary>The region's key: console.js replaces a region only when its key changed, so a form being typed in stays.</summary>
    /// <summary>How the operator's voice travels: a desk phone, the browser (Twilio's Voice SDK), or the emulator's simulation.</summary>
    public string Voice => Me.PhoneE164 is not null ? "desk"
        : telephonyOptions.Value.Provider != TelephonyProvider.Twilio ? "emulator"
        : softphoneTokens.Unavailable is null ? "browser" : "unconfigured";

    public string MainKey => $"{State}:{Call?.AttemptId}";

    public string AsideKey => string.Join(',', [Figures.Calls, Figures.Answered, Figures.Dispositions, Figures.Appointments, Figures.CallBacks,
        Figures.Refusals, .. Callbacks.Select(c => c.Id)]);
}
