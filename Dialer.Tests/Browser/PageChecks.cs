using System.Text;
using static System.FormattableString;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Dialer.Tests.Browser;

/// <summary>The checks every page and state gets (docs/accessibility.md).</summary>
public static class PageChecks
{
    // WCAG 2.0 and 2.1, levels A and AA: the bar of EN 301 549 for Italian public administrations.
    static readonly List<string> WcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

    /// <summary>
    /// Runs axe-core on the page as it is now and fails on any WCAG 2.1 A/AA violation, naming each rule, its impact, the
    /// elements (CSS selectors) and axe's help. <paramref name="state"/> says which state was checked (e.g. "card shown").
    /// </summary>
    public static async Task AssertNoAxeViolationsAsync(IPage page, string state)
    {
        var result = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = WcagTags } });
        if (result.Violations.Length == 0) return;

        var report = new StringBuilder(Invariant($"axe-core found {result.Violations.Length} WCAG 2.1 A/AA violation(s) on {page.Url} ({state}):"));
        foreach (var violation in result.Violations)
        {
            report.Append(Invariant($"\n- {violation.Id} ({violation.Impact}): {violation.Help} <{violation.HelpUrl}>"));
            foreach (var node in violation.Nodes)
            {
                // What axe says must change: any one of the "any" checks, every "all" and "none" check that failed.
                var checks = (node.Any ?? []).Concat(node.All ?? []).Concat(node.None ?? []).Select(c => c.Message);
                report.Append(Invariant($"\n    {node.Target}: {string.Join(" / ", checks)}"));
            }
        }
        Assert.Fail(report.ToString());
    }

    /// <summary>
    /// A full-page PNG named <paramref name="name"/> (e.g. "status-320px") in the run's screenshots folder: beside the
    /// test results (<c>$DIALER_TEST_RESULTS/../screenshots</c>, so <c>.artifacts/screenshots</c> in CI) or
    /// <c>.artifacts/screenshots</c> at the repository root. Attached to the test's result too.
    /// </summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var file = Path.Combine(ScreenshotsFolder(), string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-')) + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        TestContext.AddTestAttachment(file);
        return file;
    }

    /// <summary>
    /// The accessibility tree under <paramref name="locator"/> as Playwright's ARIA snapshot (YAML of roles and accessible
    /// names, what a screen reader announces); handy to print while writing the expectation.
    /// </summary>
    public static Task<string> AriaSnapshotAsync(ILocator locator) => locator.AriaSnapshotAsync();

    /// <summary>
    /// Fails unless the accessibility tree under <paramref name="locator"/> matches <paramref name="expected"/>, an ARIA
    /// snapshot template (Playwright's <c>ToMatchAriaSnapshotAsync</c>: listed nodes must be there in that order; unlisted
    /// ones are allowed; <c>/regex/</c> names match patterns). The failure shows the actual tree.
    /// </summary>
    public static Task AssertAriaSnapshotAsync(ILocator locator, string expected) =>
        Assertions.Expect(locator).ToMatchAriaSnapshotAsync(expected);

    /// <summary>WCAG 1.4.10 (reflow): nothing wider than the viewport, so no horizontal scrolling (check at 320 px).</summary>
    public static async Task AssertNoHorizontalScrollAsync(IPage page)
    {
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        if (overflow <= 0) return;
        var culprits = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                .slice(0, 5)
                .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : ''))
            """);
        Assert.Fail($"the page scrolls sideways by {overflow} px at {page.ViewportSize?.Width} px wide; widest elements: {string.Join(", ", culprits)}");
    }

    /// <summary>Presses Tab until <paramref name="target"/> has the focus (at most 80 times): how a keyboard user gets there.</summary>
    public static async Task TabToAsync(IPage page, ILocator target, string name)
    {
        for (var i = 0; i < 80; i++)
        {
            if (await target.EvaluateAsync<bool>("e => e === document.activeElement")) return;
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Fail($"{name} was not reached with Tab");
    }

    /// <summary>A state of a page: its screenshot, then zero axe violations.</summary>
    public static async Task CheckAsync(IPage page, string screenshot, string state)
    {
        await ScreenshotAsync(page, screenshot);
        await AssertNoAxeViolationsAsync(page, state);
    }

    static string ScreenshotsFolder()
    {
        var results = Environment.GetEnvironmentVariable("DIALER_TEST_RESULTS");
        var folder = string.IsNullOrWhiteSpace(results)
            ? Path.Combine(RepositoryRoot(), ".artifacts", "screenshots")
            : Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(results)))!, "screenshots");
        Directory.CreateDirectory(folder);
        return folder;
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Dialer.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Dialer.sln not found above the test directory.");
    }
}
