namespace Dialer.Tests;

/// <summary>Waiting for something another process or thread does (a Hangfire job, a webhook, a queued call).</summary>
public static class Eventually
{
    /// <summary>Polls until the condition holds or the timeout passes; returns its last answer.</summary>
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return true;
            await Task.Delay(200);
        }
        return await condition();
    }

    public static Task<bool> TrueAsync(Func<bool> condition, TimeSpan timeout) =>
        TrueAsync(() => Task.FromResult(condition()), timeout);
}
