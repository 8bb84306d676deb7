using System.Security.Cryptography;
using System.Text;
using Dialer.Core.Dialing.Policy;
using Dialer.Core.Outcomes;
using TwilioWebhookUrls = Dialer.Core.Telephony.TwilioWebhookUrls;
using Dialer.Worker.Telephony.Emulator;

namespace Dialer.Worker.Demo;

/// <summary>What a person the operator reaches says in the end.</summary>
public enum FinalAnswer { Intake, Refused, AlreadyEmployed, DoNotCall }

/// <summary>
/// One selected person of the simulated world: what the behaviour model decided she will do (<c>Plan…</c>), and what she
/// did (the truth the demo prints beside the funnel the product measured).
/// </summary>
public sealed class SimulatedPerson(DemoPerson person, bool heldOut)
{
    public DemoPerson Person { get; } = person;
    public bool HeldOut { get; } = heldOut;

    // The plan, drawn once by the seed (docs/demo.md "The behaviour model").
    public bool PlanReaches { get; set; }
    public FinalAnswer PlanAnswer { get; set; }
    public string? PlanRefusalReason { get; set; }
    public bool PlanCallBackFirst { get; set; }
    public bool PlanAttends { get; set; }
    public bool PlanHired { get; set; }
    internal Random Random { get; set; } = null!;

    // The truth: what happened.
    public int Calls { get; set; }
    public DateTimeOffset? AnsweredAt { get; set; }
    public bool CallBackAsked { get; set; }
    public bool RightPerson { get; set; }
    public DateTimeOffset? IntakeAt { get; set; }
    public DateOnly? AppointmentDay { get; set; }
    public bool Attended { get; set; }
    public bool Finished { get; set; }
    public int CallsAfterFinal { get; set; }
    public HiringPlan? Hiring { get; set; }

    public bool Answered => AnsweredAt is not null;
}

/// <summary>What a person on the phone tells the operator: the outcome's code, a refusal's reason, the call-back time she asks for.</summary>
public sealed record PersonAnswer(string Code, string? RefusalReason, string? CallBackAt, string Comune, bool ReminderConsent);

/// <summary>A hiring the simulated employers notify: when it starts, its contract, and whether it lasts six months.</summary>
public sealed record HiringPlan(DateOnly Start, string ContractType, DateOnly? PlannedEnd, DateOnly? CeasedOn)
{
    /// <summary>Employed on the day six months after the start (the product's "retained at 6 months", docs/outcomes.md).</summary>
    public bool Retained6Months
    {
        get
        {
            var milestone = Start.AddMonths(6);
            var end = CeasedOn ?? PlannedEnd;
            return end is null || end.Value >= milestone;
        }
    }
}

/// <summary>
/// The demo's simulated world (docs/demo.md): the selected people and how they behave on the phone, decided by the
/// behaviour model and the seed. It scripts every call the Twilio emulator receives (<see cref="Script"/>), answers the
/// simulated operators' questions (<see cref="Answer"/>), and keeps the truth: who was dialed, who answered, who accepted,
/// who attended, who was hired.
/// </summary>
public sealed class SimulatedPeople
{
    readonly BehaviourModel model;
    readonly TimeProvider clock;
    readonly int maxAttempts;
    readonly Lock gate = new();
    readonly Dictionary<string, SimulatedPerson> byPhone = new(StringComparer.Ordinal);
    readonly Dictionary<long, SimulatedPerson> byAttempt = [];
    readonly Random operatorLegs;

    public SimulatedPeople(BehaviourModel model, IReadOnlyList<DemoPerson> cohort, string campaignSlug, decimal controlShare, int maxAttempts,
        int seed, TimeProvider clock)
    {
        this.model = model;
        this.clock = clock;
        this.maxAttempts = maxAttempts;
        operatorLegs = new Random(seed);
        People = cohort.Select(p => new SimulatedPerson(p, ControlGroup.Fraction(campaignSlug, p.Cf) < (double)controlShare)
        {
            Random = new Random(StableHash(seed, "calls", p.Cf)),
        }).ToList();
        foreach (var person in People)
            if (person.Person.Mobile is { } mobile) byPhone[mobile] = person;

        // Who does what: exact shares of each group, chosen by the seed.
        var called = People.Where(p => !p.HeldOut).ToList();
        var reached = Allot(called, model.Answer.Reached.Value, seed, "reached", p => p.PlanReaches = true);
        var intake = Allot(reached, model.Outcome.Intake.Value, seed, "intake", p => p.PlanAnswer = FinalAnswer.Intake);
        var others = reached.Except(intake).ToList();
        var employed = Allot(others, model.Outcome.AlreadyEmployed.Value / Math.Max(1e-9, 1 - model.Outcome.Intake.Value), seed, "employed",
            p => p.PlanAnswer = FinalAnswer.AlreadyEmployed);
        var rest = others.Except(employed).ToList();
        var objecting = Allot(rest, model.Outcome.DoNotCall.Value / Math.Max(1e-9, 1 - model.Outcome.Intake.Value - model.Outcome.AlreadyEmployed.Value),
            seed, "objects", p => p.PlanAnswer = FinalAnswer.DoNotCall);
        foreach (var person in rest.Except(objecting))
        {
            person.PlanAnswer = FinalAnswer.Refused;
            person.PlanRefusalReason = Pick(model.Outcome.RefusalReasons.Value, person.Random);
        }
        Allot(reached, model.Outcome.CallBackFirst.Value, seed, "callback", p => p.PlanCallBackFirst = true);
        Allot(intake, model.Attendance.Attended.Value, seed, "attends", p => p.PlanAttends = true);
        Allot(intake, model.Hiring.AfterIntake.Value, seed, "hired", p => p.PlanHired = true);
        Allot(others, model.Hiring.AnsweredWithoutIntake.Value, seed, "hired", p => p.PlanHired = true);
        Allot(called.Where(p => !p.PlanReaches).ToList(), model.Hiring.WithoutCampaign.Value, seed, "hired", p => p.PlanHired = true);
        Allot(People.Where(p => p.HeldOut).ToList(), model.Hiring.WithoutCampaign.Value, seed, "hired", p => p.PlanHired = true);
    }

    public IReadOnlyList<SimulatedPerson> People { get; }

    /// <summary>The person a call is to (by its attempt), as the person on the line knows herself.</summary>
    public SimulatedPerson? ByAttempt(long attemptId)
    {
        lock (gate) return byAttempt.GetValueOrDefault(attemptId);
    }

    /// <summary>
    /// The emulator's hook: how the called party behaves on this call. Operator legs (<c>client:</c>) answer and talk
    /// for the model's conversation time; a selected person answers or not as her plan and the model's chances say.
    /// </summary>
    public CallScript? Script(CallRequest request)
    {
        lock (gate)
        {
            if (request.To.StartsWith("client:", StringComparison.Ordinal))
                return new CallScript(CallOutcome.Answered, AnsweringParty.Human, Seconds(operatorLegs, [1, 3]),
                    Seconds(operatorLegs, model.Conversation.TalkSeconds.Value), TimeSpan.FromSeconds(2), operatorLegs.Next());
            if (!byPhone.TryGetValue(request.To, out var person)) return null;
            if (AttemptOf(request) is { } attemptId) byAttempt[attemptId] = person;
            person.Calls++;
            var random = person.Random;
            var now = clock.GetUtcNow();
            if (person.Finished)
            {
                // The product should never call again after the final answer: the truth counts it, the person does not pick up.
                person.CallsAfterFinal++;
                return NotAnswered(random, "noAnswer");
            }
            var answers = person.Answered                                   // the call-back she asked for
                || person.PlanReaches && (person.Calls >= maxAttempts
                    || random.NextDouble() < model.AnswerChance(person.Calls, CallingCalendar.ToLocal(now).Hour));
            if (!answers) return NotAnswered(random, DrawNotAnswered(random, failedAllowed: !person.PlanReaches));
            person.AnsweredAt ??= now;
            // A person's leg outlasts the conversation: the operator hangs up first, as at the end of a real call.
            return new CallScript(CallOutcome.Answered, AnsweringParty.Human, Seconds(random, model.Answer.RingSeconds.Value),
                TimeSpan.FromHours(1), Seconds(random, model.Answer.MachineDetectionSeconds.Value), random.Next());
        }
    }

    /// <summary>
    /// What the person on this call tells the operator, or null when the call is not one of the simulation's. The operator
    /// turns it into the disposition it records (for an intake, with the first free slot it finds at the CPI).
    /// </summary>
    public PersonAnswer? Answer(long attemptId)
    {
        lock (gate)
        {
            if (byAttempt.GetValueOrDefault(attemptId) is not { } person || person.Finished) return null;
            if (person.PlanCallBackFirst && !person.CallBackAsked)
            {
                person.CallBackAsked = true;
                // "Call me back tomorrow": the next working day, in the morning or afternoon window as now.
                var local = CallingCalendar.ToLocal(clock.GetUtcNow());
                var day = NextWorkingDay(DateOnly.FromDateTime(local.DateTime));
                return new PersonAnswer(DispositionCatalogue.CallBack, null,
                    day.ToDateTime(new TimeOnly(local.Hour < 13 ? 10 : 15, 0)).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                    person.Person.Comune, false);
            }
            return person.PlanAnswer switch
            {
                FinalAnswer.Intake => new PersonAnswer(DispositionCatalogue.IntakeAccepted, null, null, person.Person.Comune, person.Random.NextDouble() < 0.8),
                FinalAnswer.AlreadyEmployed => new PersonAnswer(DispositionCatalogue.AlreadyEmployed, null, null, person.Person.Comune, false),
                FinalAnswer.DoNotCall => new PersonAnswer(DispositionCatalogue.DoNotCall, null, null, person.Person.Comune, false),
                _ => new PersonAnswer(DispositionCatalogue.Refused, person.PlanRefusalReason, null, person.Person.Comune, false),
            };
        }
    }

    /// <summary>The operator's disposition was saved: the person's answer is final (or her call-back is booked).</summary>
    public void Recorded(long attemptId, string code, string? appointmentAt)
    {
        lock (gate)
        {
            if (byAttempt.GetValueOrDefault(attemptId) is not { } person) return;
            person.RightPerson = true;                                  // every answer the simulation gives needs the person herself
            if (code == DispositionCatalogue.CallBack) return;
            person.Finished = true;
            if (code != DispositionCatalogue.IntakeAccepted) return;
            person.IntakeAt = clock.GetUtcNow();
            person.AppointmentDay = appointmentAt is { Length: >= 10 } at ? DateOnly.ParseExact(at[..10], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : null;
        }
    }

    /// <summary>The operator's disposition was refused: the answer is not recorded, the person may be asked again.</summary>
    public void NotRecorded(long attemptId, string code)
    {
        lock (gate)
        {
            if (byAttempt.GetValueOrDefault(attemptId) is not { } person) return;
            if (code == DispositionCatalogue.CallBack) person.CallBackAsked = false;
        }
    }

    internal static DateOnly NextWorkingDay(DateOnly day)
    {
        do day = day.AddDays(1);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || ItalianHolidays.IsHoliday(day));
        return day;
    }

    CallScript NotAnswered(Random random, string kind) => kind switch
    {
        "busy" => new(CallOutcome.Busy, AnsweringParty.Human, Seconds(random, [2, 6]), TimeSpan.Zero, TimeSpan.Zero, random.Next()),
        // A voicemail keeps the line open until the caller hangs up, which Dialer does on the detection's verdict.
        "machine" => new(CallOutcome.Answered, AnsweringParty.Machine, Seconds(random, model.Answer.RingSeconds.Value), TimeSpan.FromHours(1),
            Seconds(random, model.Answer.MachineDetectionSeconds.Value), random.Next()),
        "failed" => new(CallOutcome.Failed, AnsweringParty.Human, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, random.Next()),
        _ => new(CallOutcome.NoAnswer, AnsweringParty.Human, TimeSpan.FromMinutes(2), TimeSpan.Zero, TimeSpan.Zero, random.Next()),
    };

    string DrawNotAnswered(Random random, bool failedAllowed)
    {
        var mix = model.Answer.NotAnswered.Value.Where(kv => failedAllowed || kv.Key != "failed").ToDictionary();
        var total = mix.Values.Sum();
        return Pick(mix.ToDictionary(kv => kv.Key, kv => kv.Value / total), random);
    }

    static long? AttemptOf(CallRequest request)
    {
        if (request.StatusCallback is null || !Uri.TryCreate(request.StatusCallback, UriKind.Absolute, out var uri)) return null;
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        return long.TryParse(query[TwilioWebhookUrls.AttemptParameter], out var id) ? id : null;
    }

    static TimeSpan Seconds(Random random, double[] range) => TimeSpan.FromSeconds(range[0] + random.NextDouble() * (range[1] - range[0]));

    internal static string Pick(IReadOnlyDictionary<string, double> shares, Random random)
    {
        var roll = random.NextDouble();
        var sum = 0.0;
        foreach (var (key, share) in shares.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sum += share;
            if (roll < sum) return key;
        }
        return shares.Keys.Max(StringComparer.Ordinal)!;
    }

    /// <summary>Exactly round(share × n) of the group, chosen by the seed; returns them.</summary>
    public static List<SimulatedPerson> Allot(IReadOnlyList<SimulatedPerson> group, double share, int seed, string purpose, Action<SimulatedPerson> set)
    {
        var count = (int)Math.Round(share * group.Count, MidpointRounding.AwayFromZero);
        var chosen = group.OrderBy(p => StableHash(seed, purpose, p.Person.Cf)).ThenBy(p => p.Person.Cf, StringComparer.Ordinal).Take(count).ToList();
        foreach (var person in chosen) set(person);
        return chosen;
    }

    /// <summary>A hash that is the same in every process (string.GetHashCode is not).</summary>
    internal static int StableHash(int seed, string purpose, string key) =>
        BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}:{purpose}:{key}")), 0);
}
