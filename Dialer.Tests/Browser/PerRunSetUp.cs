using Microsoft.Playwright;

// In the root namespace, so that it covers every browser test wherever it lives.
namespace Dialer.Tests;

/// <summary>
/// Once per test run: Playwright's expectations wait up to 15 s (the machine has 2 busy cores); Chromium is closed at
/// the end. Its name must not contain a word a test filter uses (Browser, Chromium, Playwright): `dotnet test --filter
/// FullyQualifiedName~Browser` would select this fixture, and with it every test of the namespace.
/// </summary>
[SetUpFixture]
public sealed class PerRunSetUp
{
    [OneTimeSetUp]
    public void WaitLongerForExpectations() => Assertions.SetDefaultExpectTimeout(15_000);

    [OneTimeTearDown]
    public Task CloseChromiumAsync() => Browser.Chromium.CloseAsync();
}
