using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dialer.Worker.Demo;

/// <summary>A figure of the behaviour model with where it comes from: a published Cob23 figure, or "assumption".</summary>
public sealed record Sourced<T>(T Value, string Source);

/// <summary>
/// How the demo's simulated people, operators and employers behave: <c>deploy/demo/behaviour-cob23.json</c>, each figure
/// with its source (docs/demo.md "The behaviour model"). Shares "drawn exactly" are allotted to exactly that share of
/// their group, so the funnel lands on the model's figures at any size; the rest are probabilities drawn call by call.
/// </summary>
public sealed record BehaviourModel(BehaviourModel.AnswerPart Answer, BehaviourModel.ConversationPart Conversation, BehaviourModel.OutcomePart Outcome,
    BehaviourModel.AttendancePart Attendance, BehaviourModel.HiringPart Hiring)
{
    public const string FileName = "behaviour-cob23.json";

    public sealed record AnswerPart(Sourced<double> Reached, Sourced<double[]> PerAttempt, Sourced<Dictionary<string, double>> ByHour,
        Sourced<Dictionary<string, double>> NotAnswered, Sourced<double[]> RingSeconds, Sourced<double[]> MachineDetectionSeconds);

    public sealed record ConversationPart(Sourced<double[]> TalkSeconds, Sourced<double[]> WrapUpSeconds);

    public sealed record OutcomePart(Sourced<double> Intake, Sourced<double> AlreadyEmployed, Sourced<double> DoNotCall,
        Sourced<Dictionary<string, double>> RefusalReasons, Sourced<double> CallBackFirst);

    public sealed record AttendancePart(Sourced<double> Attended);

    public sealed record HiringPart(Sourced<double> AfterIntake, Sourced<double> AnsweredWithoutIntake, Sourced<double> WithoutCampaign,
        Sourced<double[]> DaysAfter, Sourced<Dictionary<string, double>> Contracts, Sourced<double[]> FixedTermMonths, Sourced<double> LeavesEarly);

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Reads and checks a model file; a bad one is refused with every problem named.</summary>
    public static BehaviourModel Load(string path)
    {
        BehaviourModel? model;
        try
        {
            model = JsonSerializer.Deserialize<BehaviourModel>(File.ReadAllText(path), Json);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The behaviour model {path} is not valid JSON: {ex.Message}", ex);
        }
        if (model is null) throw new ArgumentException($"The behaviour model {path} is empty.");
        var errors = model.Validate();
        if (errors.Count > 0) throw new ArgumentException($"The behaviour model {path} is not valid: {string.Join(" ", errors)}");
        return model;
    }

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Share(string name, Sourced<double>? s)
        {
            if (s is null) errors.Add($"{name}: missing.");
            else if (s.Value is < 0 or > 1 || double.IsNaN(s.Value)) errors.Add($"{name}: {s.Value} is not a share between 0 and 1.");
            else if (string.IsNullOrWhiteSpace(s.Source)) errors.Add($"{name}: needs its source (a Cob23 figure or \"assumption\").");
        }
        void Range(string name, Sourced<double[]>? s, double max)
        {
            if (s is null || s.Value is not [var lo, var hi] || lo < 0 || hi < lo || hi > max) errors.Add($"{name}: a range [min, max] within 0–{max} is needed.");
        }
        void Mix(string name, Sourced<Dictionary<string, double>>? s)
        {
            if (s is null || s.Value.Count == 0 || s.Value.Values.Any(v => v < 0) || Math.Abs(s.Value.Values.Sum() - 1) > 1e-6)
                errors.Add($"{name}: the shares must be ≥ 0 and add up to 1.");
        }
        if (Answer is null || Conversation is null || Outcome is null || Attendance is null || Hiring is null)
            return ["answer, conversation, outcome, attendance and hiring are all required."];
        Share("answer.reached", Answer.Reached);
        if (Answer.PerAttempt?.Value is not { Length: > 0 } attempts || attempts.Any(p => p is <= 0 or > 1))
            errors.Add("answer.perAttempt: one chance (0 < p ≤ 1) per attempt is needed.");
        if (Answer.ByHour?.Value is not { } hours || hours.Any(h => !int.TryParse(h.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var hour) || hour > 23 || h.Value is < 0 or > 2))
            errors.Add("answer.byHour: hours 0–23, factors 0–2.");
        Mix("answer.notAnswered", Answer.NotAnswered);
        if (Answer.NotAnswered?.Value is { } na && na.Keys.Except(["noAnswer", "busy", "machine", "failed"]).Any())
            errors.Add("answer.notAnswered: only noAnswer, busy, machine and failed.");
        Range("answer.ringSeconds", Answer.RingSeconds, 24);
        Range("answer.machineDetectionSeconds", Answer.MachineDetectionSeconds, 30);
        Range("conversation.talkSeconds", Conversation.TalkSeconds, 3600);
        Range("conversation.wrapUpSeconds", Conversation.WrapUpSeconds, 110);
        Share("outcome.intake", Outcome.Intake);
        Share("outcome.alreadyEmployed", Outcome.AlreadyEmployed);
        Share("outcome.doNotCall", Outcome.DoNotCall);
        Share("outcome.callBackFirst", Outcome.CallBackFirst);
        if (Outcome.Intake is not null && Outcome.AlreadyEmployed is not null && Outcome.DoNotCall is not null
            && Outcome.Intake.Value + Outcome.AlreadyEmployed.Value + Outcome.DoNotCall.Value > 1)
            errors.Add("outcome: intake + alreadyEmployed + doNotCall must not exceed 1 (the rest refuse).");
        Mix("outcome.refusalReasons", Outcome.RefusalReasons);
        Share("attendance.attended", Attendance.Attended);
        Share("hiring.afterIntake", Hiring.AfterIntake);
        Share("hiring.answeredWithoutIntake", Hiring.AnsweredWithoutIntake);
        Share("hiring.withoutCampaign", Hiring.WithoutCampaign);
        Share("hiring.leavesEarly", Hiring.LeavesEarly);
        Range("hiring.daysAfter", Hiring.DaysAfter, 300);
        Range("hiring.fixedTermMonths", Hiring.FixedTermMonths, 36);
        Mix("hiring.contracts", Hiring.Contracts);
        return errors;
    }

    /// <summary>The chance that a person who will answer does so at this attempt (1-based), at this local hour.</summary>
    public double AnswerChance(int attempt, int hour)
    {
        var perAttempt = Answer.PerAttempt.Value;
        var p = perAttempt[Math.Min(attempt, perAttempt.Length) - 1];
        var factor = Answer.ByHour.Value.TryGetValue(hour.ToString(CultureInfo.InvariantCulture), out var f) ? f : 1;
        return Math.Min(1, p * factor);
    }

    /// <summary>The placed / answered share the model's hiring figures imply (Cob23's 12%).</summary>
    public double ImpliedPlacedOfAnswered =>
        Outcome.Intake.Value * Hiring.AfterIntake.Value + (1 - Outcome.Intake.Value) * Hiring.AnsweredWithoutIntake.Value;
}
