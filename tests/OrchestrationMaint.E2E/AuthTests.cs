using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Tests;
using OrchestrationMaint.Web;
using OrchestrationMaint.Web.Auth;
using static Microsoft.Playwright.Assertions;

namespace OrchestrationMaint.E2E;

/// <summary>
/// The journeys of the sign-in issue on a fresh install (no account, no Auth:InitialAdmin): first-run setup makes
/// the Admin, the Admin adds an Operator, the Operator runs a health check but cannot restore; a demoted Admin's
/// open tab is refused at its next destructive command.
/// </summary>
public sealed class AuthTests : IAsyncLifetime
{
    private readonly BrowserApp _browser = new(new Dictionary<string, string?>
    {
        ["Demo:Simulate"] = "false",
        ["Auth:InitialAdmin:UserName"] = null,
        ["Auth:InitialAdmin:Password"] = null,
    });

    public ValueTask InitializeAsync() => _browser.InitializeAsync();

    public ValueTask DisposeAsync() => _browser.DisposeAsync();

    private static string Shot(string name) => Path.Combine(BrowserApp.ScreenshotDirectory, name);

    [Fact]
    public async Task FirstRun_SetupAdmin_CreatesOperator_OperatorRunsHealthCheckButCannotRestore()
    {
        // Anonymous: every page sends you to sign in.
        var anonymous = await _browser.NewAnonymousPageAsync();
        await anonymous.GotoAsync("/backups");
        await Expect(anonymous).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login\\?ReturnUrl=%2Fbackups$"));
        await Expect(anonymous.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(anonymous.Locator("body")).ToContainTextAsync("one-time setup link");
        await anonymous.ScreenshotAsync(new() { Path = Shot("sign-in.png") });

        // First run: the setup link from the log makes the first Admin, once.
        var link = $"{AppUrls.Setup}?token={_browser.App.Services.GetRequiredService<SetupToken>().Issue()}";
        Assert.Contains(link, ReadAppLog(), StringComparison.Ordinal);
        var admin = await _browser.NewAnonymousPageAsync();
        await admin.GotoAsync(link);
        await admin.FillAsync("#username", "root");
        await admin.FillAsync("#password", "first-admin-password");
        await admin.FillAsync("#confirm", "first-admin-password");
        await admin.ScreenshotAsync(new() { Path = Shot("setup.png") });
        await admin.ClickAsync("button[type=submit]");
        await Expect(admin.GetByTestId("signed-in-as")).ToContainTextAsync("root");
        await Expect(admin.GetByTestId("signed-in-as")).ToContainTextAsync("Admin");
        var reused = await _browser.NewAnonymousPageAsync();
        await reused.GotoAsync(link);
        await Expect(reused.GetByTestId("setup-refused")).ToContainTextAsync("Setup is done");

        // The Admin adds an Operator and reads the generated password once.
        await admin.GotoAsync(AppUrls.Users);
        await BrowserApp.WaitUntilInteractiveAsync(admin);
        await admin.GetByLabel("User name").FillAsync("olivia");
        await admin.GetByTestId("create-user").ClickAsync();
        var password = (await admin.GetByTestId("generated-password-value").InnerTextAsync()).Trim();
        await Expect(admin.GetByTestId("users-table")).ToContainTextAsync("olivia");
        await admin.ScreenshotAsync(new() { Path = Shot("users.png"), FullPage = true });

        // The Operator signs in, runs a health check, sees no restore button, and is refused when calling restore anyway.
        var operatorPage = await _browser.NewPageAsync("olivia", password);
        await operatorPage.GotoAsync(AppUrls.Tasks);
        await BrowserApp.WaitUntilInteractiveAsync(operatorPage);
        await Expect(operatorPage.GetByTestId("signed-in-as")).ToContainTextAsync("Operator");
        await Expect(operatorPage.Locator("[data-testid=task-card][data-task=fix-permissions] [data-testid=needs-role]")).ToContainTextAsync("Needs Admin");
        await operatorPage.ScreenshotAsync(new() { Path = Shot("tasks-as-operator.png"), FullPage = true });
        await operatorPage.Locator("[data-testid=task-card][data-task=health-check] [data-testid=run-task]").ClickAsync();
        await Expect(operatorPage.GetByTestId("run-header")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = 60_000 });
        await Expect(operatorPage.Locator("body")).ToContainTextAsync("requested by olivia");

        var backup = await operatorPage.APIRequest.PostAsync("/api/backups", new() { DataObject = new { kind = "config" } });
        Assert.Equal(202, backup.Status);
        var backupRun = (await backup.JsonAsync())!.Value.GetProperty("url").GetString()!;
        var backupId = await WaitForBackupAsync(operatorPage, backupRun);
        await operatorPage.GotoAsync(AppUrls.Backups);
        await BrowserApp.WaitUntilInteractiveAsync(operatorPage);
        await Expect(operatorPage.GetByTestId("create-system")).ToBeVisibleAsync();
        await Expect(operatorPage.GetByTestId("restore-backup")).ToHaveCountAsync(0);
        var restore = await operatorPage.APIRequest.PostAsync($"/api/backups/{backupId.Id}/restore", new() { DataObject = new { confirm = backupId.Name } });
        Assert.Equal(403, restore.Status);
        Assert.Contains("needs the Admin role; olivia has Operator", await restore.TextAsync(), StringComparison.Ordinal);

        // The refusal is on record, on the Admin's audit page.
        await admin.GotoAsync(AppUrls.AuditFiltered(actor: "olivia", outcome: "Denied"));
        await BrowserApp.WaitUntilInteractiveAsync(admin);
        await Expect(admin.GetByTestId("audit-table")).ToContainTextAsync("backup-restore");
        await admin.ScreenshotAsync(new() { Path = Shot("audit.png"), FullPage = true });
    }

    [Fact]
    public async Task DemotedAdmin_OpenTab_IsRefusedAtTheNextDestructiveCommand()
    {
        var accounts = _browser.App.Services.GetRequiredService<UserAdmin>();
        Assert.True((await accounts.CreateFirstAdminAsync("first", "first-admin-password", Actor.System, TestContext.Current.CancellationToken)).Succeeded);
        var created = await accounts.CreateAsync(Actor.System, "dana", Role.Admin, "dana-admin-password", TestContext.Current.CancellationToken);
        var page = await _browser.NewPageAsync("dana", "dana-admin-password");
        await page.GotoAsync(AppUrls.Tasks);
        await BrowserApp.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Users" })).ToBeVisibleAsync();

        // Another Admin demotes dana while her tab stays open.
        Assert.True((await accounts.SetRoleAsync(Actor.System, created.User!.Id, Role.Operator, TestContext.Current.CancellationToken)).Succeeded);

        // The open tab takes the new role at once: the Admin menu goes, destructive tasks say what they need.
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Users" })).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("signed-in-as")).ToContainTextAsync("Operator");
        await Expect(page.Locator("[data-testid=task-card][data-task=fix-permissions] [data-testid=needs-role]")).ToBeVisibleAsync();
        var audit = _browser.App.Services.GetRequiredService<AuditLog>();
        var (_, entries) = await audit.QueryAsync(new AuditFilter(Action: "user.role-changed"), 0, 10, TestContext.Current.CancellationToken);
        Assert.Contains(entries, e => e.Target == "dana" && e.Details == "role=Operator");
    }

    private string ReadAppLog()
    {
        // The setup link is a warning in the app's own log file (the console has it too).
        var logs = Path.Combine(_browser.App.DataDirectory, "logs");
        return string.Join("\n", Directory.GetFiles(logs, "*.clef").Select(f =>
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }));
    }

    private static async Task<(string Id, string Name)> WaitForBackupAsync(IPage page, string runUrl)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var run = (await (await page.APIRequest.GetAsync(runUrl)).JsonAsync())!.Value;
            if (run.GetProperty("state").GetString() == "Succeeded")
            {
                var result = run.GetProperty("result");
                return (result.GetProperty("backup").GetString()!, result.GetProperty("name").GetString()!);
            }

            Assert.True(DateTime.UtcNow < deadline, $"the backup run is still {run.GetProperty("state").GetString()}");
            await Task.Delay(250);
        }
    }
}
