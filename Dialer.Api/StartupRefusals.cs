using System.Reflection;
using System.Text.RegularExpressions;
using Dialer.Core.Database;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace Dialer.Api;

/// <summary>
/// Start-up failures an operator can fix: the database not ready, a setting missing or unsafe, a port in use. Each is
/// said in one line (<c>error: …</c>) naming the setting and its environment variable, with exit code 3 and no stack
/// trace; anything else is a bug and is reported in full (docs/security-and-configuration.md).
/// </summary>
public static partial class StartupRefusals
{
    public const int ExitCode = 3;

    /// <summary>The lines to print for an expected start-up failure; null for anything else.</summary>
    public static IReadOnlyList<string>? Describe(Exception exception) => exception switch
    {
        DatabaseNotReadyException or StartupRefusedException => [exception.Message],
        OptionsValidationException options => [.. options.Failures.Select(f => Describe(options.OptionsType, f))],
        // Distinct: options whose validator reads other options repeat those options' failure (Twilio reads Telephony).
        AggregateException aggregate when aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(e => Describe(e) is not null) =>
            [.. aggregate.InnerExceptions.SelectMany(e => Describe(e)!).Distinct()],
        _ => null,
    };

    /// <summary>
    /// Runs the options validations registered with ValidateOnStart now, before anything is migrated or started, so an
    /// unsafe or incomplete configuration is refused first.
    /// </summary>
    public static void CheckConfiguration(IServiceProvider services) => services.GetService<IStartupValidator>()?.Validate();

    /// <summary>Starts a server; an address already in use is refused naming it and <paramref name="movedBy"/>, the setting that moves it.</summary>
    public static async Task<T> ListenAsync<T>(Func<Task<T>> start, string movedBy)
    {
        try
        {
            return await start();
        }
        catch (IOException ex) when (ex.InnerException is AddressInUseException)
        {
            var address = BindFailure().Match(ex.Message) is { Success: true } m ? m.Groups["address"].Value : "the address";
            throw new StartupRefusedException($"{address} is already in use by another process: stop it, or listen elsewhere with {movedBy}.");
        }
    }

    public static Task ListenAsync(Func<Task> start, string movedBy) =>
        ListenAsync(async () => { await start(); return true; }, movedBy);

    /// <summary>
    /// Starts the host, refusing with one line if its address is taken. What had already started is stopped first, as
    /// on any stop: without it, background services cancelled by the host's disposal (the dialing loop, the scheduler)
    /// are logged as failures, with stack traces, before the refusal line.
    /// </summary>
    public static async Task StartAsync(IHost host, string movedBy, CancellationToken ct = default)
    {
        try
        {
            await ListenAsync(() => host.StartAsync(ct), movedBy);
        }
        catch (StartupRefusedException)
        {
            await host.StopAsync(CancellationToken.None);
            throw;
        }
    }

    // A DataAnnotations failure, as Microsoft.Extensions.Options words it: it names the property, not the setting.
    static string Describe(Type optionsType, string failure)
    {
        if (DataAnnotationFailure().Match(failure) is not { Success: true } m) return failure;
        var section = optionsType.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string
            ?? optionsType.Name.Replace("Options", "", StringComparison.Ordinal);
        var error = m.Groups["error"].Value;
        var members = m.Groups["members"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var key = string.Join(", ", members.Select(member => $"{section}:{member}"));
        var variables = string.Join(", ", members.Select(member => $"{section}__{member}"));
        if (RequiredFailure().IsMatch(error)) return $"{key} is required: set it in appsettings.json or with the environment variable {variables}.";
        var said = error.Contains(key, StringComparison.Ordinal) ? error : $"{key}: {error}";
        return said.Contains(variables, StringComparison.Ordinal) ? said : $"{said} (environment variable {variables})";
    }

    [GeneratedRegex(@"members: '(?<members>[^']*)' with the error: '(?<error>.*)'\.$", RegexOptions.Singleline)]
    private static partial Regex DataAnnotationFailure();

    [GeneratedRegex(@"^The \S+ field is required\.$")]
    private static partial Regex RequiredFailure();

    [GeneratedRegex(@"bind to address (?<address>\S+): address already in use")]
    private static partial Regex BindFailure();
}

/// <summary>A start-up refusal whose message already says what to change.</summary>
public sealed class StartupRefusedException(string message) : Exception(message);
