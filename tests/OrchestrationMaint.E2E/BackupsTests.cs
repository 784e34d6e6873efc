using Microsoft.Playwright;
using OrchestrationMaint.Tests;
using static Microsoft.Playwright.Assertions;

namespace OrchestrationMaint.E2E;

/// <summary>The one action that can destroy work, as an operator does it: back up, break a config, restore through the dialog.</summary>
public sealed class BackupsTests : IAsyncLifetime
{
    private readonly BrowserApp _browser = new(new Dictionary<string, string?> { ["Demo:Simulate"] = "false" });

    private string ConfigFile => Path.Combine(_browser.App.DataDirectory, "demo", "target", "config", "distribution.json");

    public ValueTask InitializeAsync() => _browser.InitializeAsync();

    public ValueTask DisposeAsync() => _browser.DisposeAsync();

    [Fact]
    public async Task Backups_CreateChangeConfigRestoreThroughTheDialog_ConfigIsBackAndTheSafetyBackupListed()
    {
        var original = await File.ReadAllTextAsync(ConfigFile, TestContext.Current.CancellationToken);
        var page = await _browser.NewPageAsync();
        await page.GotoAsync("/backups");
        await BrowserApp.WaitUntilInteractiveAsync(page);
        var before = await page.GetByTestId("backup-row").CountAsync();

        await page.GetByTestId("create-system").ClickAsync();
        await Expect(page.Locator(".mud-snackbar").First).ToContainTextAsync("(backup-create) queued");
        using (var api = _browser.App.CreateRealClient())
        {
            // The run itself, so a failure says why rather than "no row".
            var deadline = DateTime.UtcNow.AddSeconds(60);
            System.Text.Json.JsonElement run;
            while ((run = System.Text.Json.JsonDocument.Parse(await api.GetStringAsync("/api/runs?task=backup-create", TestContext.Current.CancellationToken))
                .RootElement.GetProperty("runs")[0]).GetProperty("state").GetString() is "Queued" or "Running")
            {
                Assert.True(DateTime.UtcNow < deadline, "the backup run did not finish within 60 s");
                await Task.Delay(200, TestContext.Current.CancellationToken);
            }

            Assert.True(run.GetProperty("state").GetString() == "Succeeded", run.GetProperty("summary").GetString());
        }

        var ours = page.Locator("[data-testid=backup-row][data-status=Verified][data-safety=false]");
        await Expect(ours).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        Assert.Equal(before + 1, await page.GetByTestId("backup-row").CountAsync());
        var name = await ours.GetAttributeAsync("data-name");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "backups.png"), FullPage = true });

        await File.WriteAllTextAsync(ConfigFile, original.Replace("\"", "'", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        await page.Locator("tr", new() { Has = ours }).GetByTestId("restore-backup").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.Locator("[data-testid=restore-change][data-kind=Changed]")).ToContainTextAsync("config/distribution.json", new() { Timeout = 30_000 });
        await Expect(dialog.GetByTestId("restore-diff").First).ToBeVisibleAsync();
        await Expect(dialog.GetByTestId("start-restore")).ToBeDisabledAsync();
        await dialog.GetByLabel($"Type {name} to confirm").FillAsync(name!);
        await Expect(dialog.GetByTestId("start-restore")).ToBeEnabledAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "restore-dialog.png") });
        await dialog.GetByTestId("start-restore").ClickAsync();
        // No maintenance window is active: the restore asks once more.
        await StartAnywayAsync(page);

        await Expect(page.GetByTestId("run-header")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = 60_000 });
        await Expect(page.GetByTestId("run-summary")).ToContainTextAsync($"Restored scripts, modules, config from {name}");
        Assert.Equal(original, await File.ReadAllTextAsync(ConfigFile, TestContext.Current.CancellationToken));
        await page.GotoAsync("/backups");
        await Expect(page.Locator("[data-testid=backup-row][data-safety=true][data-status=Verified]")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "backups-after-restore.png"), FullPage = true });
    }

    /// <summary>
    /// The seed's same-day "tar -czf backup_$(date +%Y%m%d).tar.gz" overwrites the hand-made backup while the
    /// operator reads its restore dialog: the restore refuses rather than restore bytes nobody reviewed.
    /// </summary>
    [Fact]
    public async Task Backups_HandMadeArchiveOverwrittenWhileTheDialogIsOpen_TheRestoreIsRefused()
    {
        var root = Path.Combine(_browser.App.DataDirectory, "demo", "target");
        var name = Path.GetFileName(Directory.GetFiles(root, "backup_*.tar.gz").Single());
        var changed = (await File.ReadAllTextAsync(ConfigFile, TestContext.Current.CancellationToken)).Replace("\"", "'", StringComparison.Ordinal);
        await File.WriteAllTextAsync(ConfigFile, changed, TestContext.Current.CancellationToken);
        var page = await _browser.NewPageAsync();
        await page.GotoAsync("/backups");
        await BrowserApp.WaitUntilInteractiveAsync(page);

        await page.Locator("tr", new() { Has = page.Locator($"[data-testid=backup-row][data-name='{name}']") }).GetByTestId("restore-backup").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.Locator("[data-testid=restore-change][data-kind=Changed]")).ToContainTextAsync("config/distribution.json", new() { Timeout = 30_000 });
        using (var tar = System.Diagnostics.Process.Start("tar", ["-czf", Path.Combine(root, name), "-C", root, "scripts/", "modules/", "config/"]))
        {
            await tar.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, tar.ExitCode);
        }

        await dialog.GetByLabel($"Type {name} to confirm").FillAsync(name);
        await dialog.GetByTestId("start-restore").ClickAsync();
        // No maintenance window is active: the restore asks once more.
        await StartAnywayAsync(page);

        await Expect(page.GetByTestId("run-header")).ToHaveAttributeAsync("data-state", "Failed", new() { Timeout = 60_000 });
        await Expect(page.GetByTestId("run-summary")).ToContainTextAsync($"Refused: {name} changed after you reviewed it: review the changes again. Nothing was changed.");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "restore-refused-backup-changed.png"), FullPage = true });
        Assert.Equal(changed, await File.ReadAllTextAsync(ConfigFile, TestContext.Current.CancellationToken));
    }

    /// <summary>
    /// Answers the outside-a-window question. The page re-renders when the backups change (the tests overwrite an archive
    /// just before), and a re-render can replace the message box's button between Playwright's check and its click: a
    /// click lost that way (seen once in four full runs) is repeated, as an operator would; a box that stays open fails.
    /// </summary>
    private static async Task StartAnywayAsync(IPage page)
    {
        var startAnyway = page.GetByRole(AriaRole.Button, new() { Name = "Start anyway" });
        await startAnyway.ClickAsync();
        try
        {
            await Expect(startAnyway).ToHaveCountAsync(0, new() { Timeout = 5_000 });
        }
        catch (PlaywrightException)
        {
            await startAnyway.ClickAsync();
            await Expect(startAnyway).ToHaveCountAsync(0);
        }
    }
}
