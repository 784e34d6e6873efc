using System.Reflection;
using Markdig;
using Markdig.Extensions.AutoIdentifiers;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using OrchestrationMaint.Core.Tasks;

namespace OrchestrationMaint.Web.Runbook;

/// <summary>A heading of the runbook, for the table of contents: level 2 a chapter, level 3 a procedure.</summary>
public sealed record RunbookHeading(int Level, string Id, string Text);

/// <summary>The rendered runbook, and what is wrong with it (empty when it matches the app).</summary>
/// <param name="LinkedTasks">The task keys that some procedure links to.</param>
public sealed record RunbookDocument(string Html, IReadOnlyList<RunbookHeading> Headings, IReadOnlySet<string> LinkedTasks, IReadOnlyList<string> Problems);

/// <summary>
/// The maintenance procedures, kept as Markdown files in Runbook/Procedures (one per chapter, in file
/// name order, embedded in the app), rendered with raw HTML disabled. Two link forms tie them to
/// the app: <c>task:KEY</c> opens the task's card (its Run button) on the Tasks page and <c>app:PAGE</c>
/// a page of <see cref="AppUrls.Pages"/>; <c>#id</c> is a heading here, and http(s) links leave the app.
/// Every other link, an unknown key or page, a missing heading, and a catalogue task that no
/// procedure links to is a problem: the runbook's test fails on any, so the procedures and the
/// tool cannot drift apart.
/// </summary>
public static class RunbookLibrary
{
    public const string TaskScheme = "task:";
    public const string PageScheme = "app:";
    private const string ResourcePrefix = "runbook/";

    // DisableHtml: a "<script>" in a procedure is shown as text, since the result is rendered as markup.
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseAutoIdentifiers(AutoIdentifierOptions.GitHub)
        .UsePipeTables()
        .UseTaskLists()
        .DisableHtml()
        .Build();

    /// <summary>The procedures compiled into the app, in file name order.</summary>
    public static IReadOnlyList<(string Name, string Markdown)> Embedded()
    {
        var assembly = typeof(RunbookLibrary).Assembly;
        return [.. assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => (name[ResourcePrefix.Length..], Read(assembly, name)))];
    }

    public static RunbookDocument Build(IReadOnlyList<(string Name, string Markdown)> documents, TaskCatalog catalog)
    {
        var problems = new List<string>();
        var headings = new List<RunbookHeading>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var parsed = documents.Select(d => (d.Name, Document: Markdown.Parse(d.Markdown, Pipeline))).ToList();

        // Headings first, ids unique across files, so that #links can be checked against all of them.
        foreach (var (_, document) in parsed)
        {
            foreach (var heading in document.Descendants<HeadingBlock>())
            {
                var attributes = heading.GetAttributes();
                var id = attributes.Id ?? "section";
                for (var n = 2; !ids.Add(id); n++)
                {
                    id = $"{attributes.Id}-{n}";
                }

                attributes.Id = id;
                if (heading.Level is 2 or 3)
                {
                    headings.Add(new RunbookHeading(heading.Level, id, PlainText(heading.Inline)));
                }
            }
        }

        var linked = new HashSet<string>(StringComparer.Ordinal);
        var html = new StringWriter();
        foreach (var (name, document) in parsed)
        {
            foreach (var link in document.Descendants<LinkInline>())
            {
                if (Resolve(link, ids, catalog, linked) is { } problem)
                {
                    problems.Add($"{name}, line {link.Line + 1}: {problem}");
                    link.Url = AppUrls.Runbook;
                    link.GetAttributes().AddClass("om-runbook-broken");
                }
            }

            html.Write("<section class=\"om-runbook-chapter\">");
            var renderer = new HtmlRenderer(html);
            Pipeline.Setup(renderer);
            renderer.Render(document);
            html.Write("</section>");
        }

        foreach (var task in catalog.All.Select(t => t.Descriptor).Where(t => !linked.Contains(t.Key)))
        {
            problems.Add($"The task '{task.Key}' ({task.Title}) is in the catalogue, but no procedure links to it: add [▶ Run …](task:{task.Key}) where it belongs.");
        }

        return new RunbookDocument(html.ToString(), headings, linked, problems);
    }

    /// <summary>Points the link at the app's route; returns what is wrong with it, or null.</summary>
    private static string? Resolve(LinkInline link, HashSet<string> ids, TaskCatalog catalog, HashSet<string> linked)
    {
        var url = link.Url ?? "";
        if (url.StartsWith(TaskScheme, StringComparison.Ordinal))
        {
            var key = url[TaskScheme.Length..];
            if (catalog.Find(key) is null)
            {
                return $"'{url}' names no task; the catalogue has {string.Join(", ", catalog.All.Select(t => t.Descriptor.Key))}.";
            }

            linked.Add(key);
            link.Url = AppUrls.TaskCard(key);
            var attributes = link.GetAttributes();
            attributes.AddClass("om-runbook-task");
            attributes.AddProperty("data-task", key);
            return null;
        }

        if (url.StartsWith(PageScheme, StringComparison.Ordinal))
        {
            var page = url[PageScheme.Length..];
            if (!AppUrls.Pages.TryGetValue(page, out var route))
            {
                return $"'{url}' names no page; the pages are {string.Join(", ", AppUrls.Pages.Keys)}.";
            }

            link.Url = route;
            link.GetAttributes().AddProperty("data-page", page);
            return null;
        }

        if (url.StartsWith('#'))
        {
            // With <base href="/">, a bare #id would lead to the dashboard: anchors carry the page's path.
            link.Url = AppUrls.Runbook + url;
            return ids.Contains(url[1..]) ? null : $"'{url}' names no heading of the runbook.";
        }

        if (Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            link.GetAttributes().AddProperty("rel", "noopener noreferrer");
            link.GetAttributes().AddProperty("target", "_blank");
            return null;
        }

        return $"'{url}' is not a link the runbook allows: use task:KEY, app:PAGE, #heading or an http(s) address.";
    }

    private static string PlainText(ContainerInline? inline) => inline is null ? "" : string.Concat(inline.Descendants<Inline>().Select(i => i switch
    {
        LiteralInline literal => literal.Content.ToString(),
        CodeInline code => code.Content,
        _ => "",
    }));

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
