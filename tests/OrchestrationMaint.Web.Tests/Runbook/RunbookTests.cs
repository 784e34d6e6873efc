using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OrchestrationMaint.Core.Tasks;
using OrchestrationMaint.Tests;
using OrchestrationMaint.Web.Runbook;

namespace OrchestrationMaint.Web.Tests.Runbook;

/// <summary>The runbook against the app: every task has a procedure, every link lands somewhere real.</summary>
public sealed class RunbookTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private sealed class NamedTask(string key) : IMaintenanceTask
    {
        public TaskDescriptor Descriptor { get; } = new(key, $"The {key} task", "", TaskCadence.OnDemand, false, TimeSpan.FromMinutes(1), [], "");

        public Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken) => Task.FromResult(TaskOutcome.Success("ok"));
    }

    private static TaskCatalog Catalog(params string[] keys) => new(keys.Select(k => new NamedTask(k)));

    [Fact]
    public async Task Runbook_EmbeddedProcedures_LinkEveryTaskOfTheRealCatalogueAndNothingUnknown()
    {
        await using var app = new TestApp(new Dictionary<string, string?> { ["Demo:Simulate"] = "false" });
        var catalog = app.Services.GetRequiredService<TaskCatalog>();

        var runbook = RunbookLibrary.Build(RunbookLibrary.Embedded(), catalog);

        Assert.Empty(runbook.Problems);
        Assert.Equal(catalog.All.Select(t => t.Descriptor.Key).Order(StringComparer.Ordinal), runbook.LinkedTasks.Order(StringComparer.Ordinal));
        Assert.True(RunbookLibrary.Embedded().Count >= 10);
        Assert.Equal(runbook.Headings.Count, runbook.Headings.Select(h => h.Id).Distinct().Count());
        Assert.Contains(runbook.Headings, h => h is { Level: 3, Id: "daily-system-health-check" });
        Assert.Contains("href=\"/tasks#task-health-check\"", runbook.Html, StringComparison.Ordinal);
        // The app's own singleton is the same document.
        Assert.Empty(app.Services.GetRequiredService<RunbookDocument>().Problems);
    }

    [Fact]
    public void Build_LinksToNothingReal_EachProblemNamesFileAndLine()
    {
        var markdown = """
            ## Chapter

            [Run it](task:health-check) and [the wrong one](task:helth-check).
            [Pages](app:dashboard), [a page that is not](app:incidentz), [anchor](#chapter), [lost anchor](#nowhere).
            [script](javascript:alert(1)) [outside](https://example.org/docs) [relative](tasks)
            """;

        var runbook = RunbookLibrary.Build([("10-test.md", markdown)], Catalog("health-check"));

        Assert.Equal(
        [
            "10-test.md, line 3: 'task:helth-check' names no task; the catalogue has health-check.",
            "10-test.md, line 4: 'app:incidentz' names no page; the pages are " + string.Join(", ", AppUrls.Pages.Keys) + ".",
            "10-test.md, line 4: '#nowhere' names no heading of the runbook.",
            "10-test.md, line 5: 'javascript:alert(1)' is not a link the runbook allows: use task:KEY, app:PAGE, #heading or an http(s) address.",
            "10-test.md, line 5: 'tasks' is not a link the runbook allows: use task:KEY, app:PAGE, #heading or an http(s) address.",
        ], runbook.Problems);
        Assert.DoesNotContain("javascript:", runbook.Html, StringComparison.Ordinal);
        Assert.Contains("href=\"/runbook#chapter\"", runbook.Html, StringComparison.Ordinal);
        Assert.Contains("href=\"/\" data-page=\"dashboard\"", runbook.Html, StringComparison.Ordinal);
        Assert.Contains("target=\"_blank\"", runbook.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_TaskNoProcedureLinksTo_Reported()
    {
        var runbook = RunbookLibrary.Build([("10-test.md", "## Daily\n\n[▶ Run](task:health-check)\n")], Catalog("health-check", "new-task"));

        var problem = Assert.Single(runbook.Problems);
        Assert.Equal("The task 'new-task' (The new-task task) is in the catalogue, but no procedure links to it: add [▶ Run …](task:new-task) where it belongs.", problem);
    }

    [Fact]
    public void Build_RawHtmlInAProcedure_ShownAsText()
    {
        var runbook = RunbookLibrary.Build([("10-test.md", "## A\n\n<script>alert('x')</script>\n\nText <b onclick=\"x()\">bold</b> [▶ Run](task:t)\n")], Catalog("t"));

        Assert.Empty(runbook.Problems);
        Assert.DoesNotContain("<script>", runbook.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b ", runbook.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", runbook.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SameHeadingInTwoFiles_IdsStayUnique()
    {
        var runbook = RunbookLibrary.Build([("1.md", "## Weekly\n\n### Backup\n[▶](task:t)"), ("2.md", "## Weekly\n\n### Backup\n")], Catalog("t"));

        Assert.Equal(["weekly", "backup", "weekly-2", "backup-2"], runbook.Headings.Select(h => h.Id));
    }

    [Fact]
    public async Task Pages_EveryRunbookPageAndTheRunbook_AnswerOverHttp()
    {
        await using var app = new TestApp(new Dictionary<string, string?> { ["Demo:Simulate"] = "false" });
        using var client = app.CreateRealClient();

        foreach (var (key, route) in AppUrls.Pages)
        {
            using var response = await client.GetAsync(route, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"app:{key} ({route}) answered {(int)response.StatusCode}");
        }

        var runbook = await client.GetStringAsync(AppUrls.Runbook, Ct);
        var tasks = await client.GetStringAsync(AppUrls.Tasks, Ct);
        Assert.Contains("data-testid=\"runbook-toc\"", runbook, StringComparison.Ordinal);
        Assert.Contains("href=\"/runbook#daily-system-health-check\"", runbook, StringComparison.Ordinal);
        Assert.Contains("id=\"task-health-check\"", tasks, StringComparison.Ordinal);
    }
}
