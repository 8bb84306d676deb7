using Microsoft.Playwright;

namespace Dialer.Tests.Browser;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, installed by <c>./dialer test</c>; Playwright never downloads a browser),
/// headless, launched once per test run on first use and closed by <see cref="PerRunSetUp"/>. Each test gets its own
/// context (cookies, storage) and page through <see cref="NewPageAsync"/>. Without Chromium a browser test fails in CI
/// (<c>CI=true</c>) and is ignored elsewhere. docs/accessibility.md says how to write one.
/// </summary>
public static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    // Root needs --no-sandbox; the rest keeps Chromium from calling Google's services, which the machine's closed network
    // refuses (many at a time) and which a test never needs (docs/build-environment.md, "Browser tests").
    static readonly string[] Flags =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
    ];

    static readonly SemaphoreSlim gate = new(1, 1);
    static IPlaywright? playwright;
    static IBrowser? browser;

    /// <summary>
    /// A fresh context and page on <paramref name="baseAddress"/> (relative <c>GotoAsync("/…")</c> paths work), in Italian
    /// and Europe/Rome, at 1280×900 CSS pixels unless <paramref name="width"/> and <paramref name="height"/> say otherwise.
    /// </summary>
    public static async Task<BrowserPage> NewPageAsync(Uri baseAddress, int width = 1280, int height = 900)
    {
        var launched = await LaunchedAsync();
        var context = await launched.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            Locale = "it-IT",
            TimezoneId = "Europe/Rome",
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        return new BrowserPage(context, await context.NewPageAsync());
    }

    static async Task<IBrowser> LaunchedAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            const string missing = $"Debian's Chromium ({ExecutablePath}) is not installed: the browser tests need it " +
                "(./dialer test installs it as root; otherwise: sudo apt-get install -y chromium).";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)) Assert.Fail(missing);
            Assert.Ignore(missing);
        }
        await gate.WaitAsync();
        try
        {
            if (browser is { IsConnected: true }) return browser;
            playwright ??= await Playwright.CreateAsync();
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = Flags,
            });
            return browser;
        }
        finally
        {
            gate.Release();
        }
    }

    internal static async Task CloseAsync()
    {
        if (browser is not null) await browser.CloseAsync();
        playwright?.Dispose();
        browser = null;
        playwright = null;
    }
}

/// <summary>
/// One test's browser context and page. Every console error and uncaught script error of the page is kept in
/// <see cref="Errors"/> (a file the Content-Security-Policy refused, a 404, an exception in our scripts):
/// <see cref="AssertNoErrors"/> fails on any.
/// </summary>
public sealed class BrowserPage : IAsyncDisposable
{
    readonly IBrowserContext context;
    readonly List<string> errors = [];

    internal BrowserPage(IBrowserContext context, IPage page)
    {
        this.context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error") lock (errors) errors.Add($"console: {message.Text} ({message.Location})");
        };
        page.PageError += (_, error) =>
        {
            lock (errors) errors.Add($"script: {error}");
        };
    }

    public IPage Page { get; }

    public IReadOnlyList<string> Errors
    {
        get { lock (errors) return [.. errors]; }
    }

    /// <summary>Opens <paramref name="path"/> and fails unless it answers 200.</summary>
    public async Task<IResponse> GotoAsync(string path)
    {
        var response = await Page.GotoAsync(path) ?? throw new AssertionException($"No response for {path}.");
        Assert.That(response.Status, Is.EqualTo(200), $"GET {path}");
        return response;
    }

    /// <summary>
    /// Signs in through the sign-in page as a person would (the account must exist, see <see cref="DialerApp.ClientAsync"/>
    /// or <c>UserAccounts.AddAsync</c>) and waits for the role's home page.
    /// </summary>
    public async Task SignInAsync(string username, string password = DialerApp.Password)
    {
        await GotoAsync("/accedi");
        await SubmitSignInAsync(username, password);
        await Page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/accedi", StringComparison.Ordinal));
    }

    /// <summary>Types <paramref name="username"/> and <paramref name="password"/> into the open sign-in page and presses Enter.</summary>
    public async Task SubmitSignInAsync(string username, string password)
    {
        await Page.Locator("#username").FillAsync(username);
        await Page.Locator("#password").FillAsync(password);
        await Page.Locator("#password").PressAsync("Enter");
    }

    public void AssertNoErrors() =>
        Assert.That(Errors, Is.Empty, "the page logged errors (a refused or missing file, a script exception)");

    public async ValueTask DisposeAsync() => await context.CloseAsync();
}
