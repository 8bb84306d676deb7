using Dialer.Core;

namespace Dialer.Tests;

/// <summary>Runs Core code as for a person who reads English: in its own flow, so that the language stays there.</summary>
static class InEnglish
{
    public static T Run<T>(Func<T> read) => Task.Run(() =>
    {
        Text.Use("en");
        return read();
    }).GetAwaiter().GetResult();
}
