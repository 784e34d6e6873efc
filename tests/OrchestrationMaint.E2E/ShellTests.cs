using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace OrchestrationMaint.E2E;

public sealed class ShellTests(BrowserApp browser) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task TargetPage_FirstVisit_ShowsTheShellAndTheDemoTargetStatus()
    {
        var page = await browser.NewPageAsync();

        await page.GotoAsync("/target");
        await BrowserApp.WaitUntilInteractiveAsync(page);

        await Expect(page).ToHaveTitleAsync("Target · OrchestrationMaint");
        await Expect(page.Locator(".mud-appbar")).ToContainTextAsync("OrchestrationMaint");
        var badge = page.GetByTestId("target-badge");
        await Expect(badge).ToContainTextAsync("Demo target");
        // Healthy or Degraded depends on the machine (a nearly full disk is Degraded); never unknown.
        await Expect(badge).ToHaveAttributeAsync("data-health", new System.Text.RegularExpressions.Regex("^(Healthy|Degraded)$"));
        await Expect(page.Locator(".mud-drawer").GetByRole(AriaRole.Link, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("target-summary")).ToContainTextAsync("Target ready.");
        await Expect(page.GetByTestId("target-root")).ToHaveTextAsync(Path.Combine(browser.App.DataDirectory, "demo", "target"));
        await Expect(page.Locator("[data-testid=layout-table] tbody tr")).ToHaveCountAsync(13);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "target-light.png"), FullPage = true });
    }

    [Fact]
    public async Task ThemeToggle_DarkModeChosen_IsKeptAfterReload()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        await BrowserApp.WaitUntilInteractiveAsync(page);
        var shell = page.GetByTestId("app-shell");
        await Expect(shell).ToHaveAttributeAsync("data-theme", "light");
        var lightBackground = await BodyBackgroundAsync(page);

        await page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(shell).ToHaveAttributeAsync("data-theme", "dark");
        await page.ReloadAsync();

        // Before the circuit connects the page is the server's prerender: the cookie must already make it dark.
        await Expect(shell).ToHaveAttributeAsync("data-theme", "dark");
        await BrowserApp.WaitUntilInteractiveAsync(page);
        await Expect(shell).ToHaveAttributeAsync("data-theme", "dark");
        Assert.NotEqual(lightBackground, await BodyBackgroundAsync(page));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "dashboard-dark.png"), FullPage = true });

        await page.GetByTestId("theme-toggle").ClickAsync();
        await page.ReloadAsync();
        await BrowserApp.WaitUntilInteractiveAsync(page);
        await Expect(shell).ToHaveAttributeAsync("data-theme", "light");
    }

    private static Task<string> BodyBackgroundAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
}
