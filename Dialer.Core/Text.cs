namespace Dialer.Core;

/// <summary>
/// What a person reads, in their language: Italian unless the current request belongs to someone who chose English (set
/// per request by the API from the signed-in user, <see cref="Use"/>; never from the machine's locale). Each sentence is
/// written in both languages where it is used, so that it reads in context and no translation can go missing. Dates,
/// times and numbers stay it-IT (<see cref="ItalianFormat"/>) whatever the language (docs/accessibility.md, "Language").
/// </summary>
public static class Text
{
    static readonly AsyncLocal<bool> english = new();

    /// <summary>True when the current request reads English.</summary>
    public static bool IsEnglish => english.Value;

    /// <summary>"it" or "en", for <c>&lt;html lang&gt;</c> and the stored choice.</summary>
    public static string Language => IsEnglish ? "en" : "it";

    /// <summary>The Italian sentence, or the English one for a person who reads English.</summary>
    public static string T(string italian, string english) => IsEnglish ? english : italian;

    /// <summary>From here on in this request (this async flow), the language "en" or "it"; anything else is Italian.</summary>
    public static void Use(string? language) => english.Value = language == "en";
}
