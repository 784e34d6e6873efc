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
        await WaitForThemeCookieAsync(page, "dark");
        await page.ReloadAsync();

        // Before the circuit connects the page is the server's prerender: the cookie must already make it dark.
        await Expect(shell).ToHaveAttributeAsync("data-theme", "dark");
        await BrowserApp.WaitUntilInteractiveAsync(page);
        await Expect(shell).ToHaveAttributeAsync("data-theme", "dark");
        Assert.NotEqual(lightBackground, await BodyBackgroundAsync(page));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "dashboard-dark.png"), FullPage = true });

        await page.GetByTestId("theme-toggle").ClickAsync();
        // The cookie is written by a JS call after the click's render: reloading before it lands would race.
        await WaitForThemeCookieAsync(page, "light");
        await page.ReloadAsync();
        await BrowserApp.WaitUntilInteractiveAsync(page);
        await Expect(shell).ToHaveAttributeAsync("data-theme", "light");
    }

    private static async Task WaitForThemeCookieAsync(IPage page, string mode)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!(await page.Context.CookiesAsync()).Any(c => c.Name == "om-theme" && c.Value == mode))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the om-theme cookie never became {mode}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private static Task<string> BodyBackgroundAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
}
