using Microsoft.Playwright;

// In the root namespace, so that it covers every browser test wherever it lives.
namespace Dialer.Tests;

/// <summary>Once per test run: Playwright's expectations wait up to 15 s (the machine has 2 busy cores); Chromium is closed at the end.</summary>
[SetUpFixture]
public sealed class BrowserRun
{
    [OneTimeSetUp]
    public void WaitLongerForExpectations() => Assertions.SetDefaultExpectTimeout(15_000);

    [OneTimeTearDown]
    public Task CloseChromiumAsync() => Browser.Chromium.CloseAsync();
}
