namespace Dialer.Core.Database;

/// <summary>The few facts about the Unix user that running PostgreSQL's tools needs.</summary>
static class UnixUser
{
    // On Unix, Environment.UserName is getpwuid(geteuid()), so it is the effective user, not $USER.
    public static bool IsRoot { get; } = !OperatingSystem.IsWindows() && Environment.UserName == "root";
}
