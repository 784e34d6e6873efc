namespace OrchestrationMaint.Core.Backups;

/// <summary>Path rules shared by the writer and the reader, so that what Create stores Inspect accepts.</summary>
internal static class ArchivePaths
{
    /// <summary>Like the kernel's ELOOP limit: a longer chain of symlinks is a loop or an attack.</summary>
    private const int MaxLinkDepth = 40;

    /// <summary>
    /// The normalized form of an entry name: '/'-separated, without empty or "." segments or a trailing
    /// slash; "" for the root itself ("./"). Null with a reason for an absolute path or a ".." segment.
    /// </summary>
    public static string? Normalize(string name, out string? problem)
    {
        problem = null;
        if (name.Length == 0)
        {
            problem = "has an empty name";
            return null;
        }

        if (name[0] == '/')
        {
            problem = "has an absolute path";
            return null;
        }

        var segments = name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Contains(".."))
        {
            problem = "has a '..' segment that climbs out of the archive";
            return null;
        }

        return string.Join('/', segments.Where(s => s != "."));
    }

    /// <summary>
    /// Where a symlink points, resolved the way the kernel would after extraction: against the link's
    /// directory, segment by segment, each prefix that is itself a symlink in <paramref name="links"/>
    /// replaced by its own resolution (so "a -> b/.." with "b -> ../.." climbs out, though "b/.." looks
    /// harmless). Returns the resolved path's segments, or null with a reason when it leaves the tree.
    /// </summary>
    public static List<string>? ResolveLink(string linkPath, string target, IReadOnlyDictionary<string, string> links, out string? problem)
    {
        problem = null;
        var resolved = linkPath.Split('/').SkipLast(1).ToList();
        return Resolve(resolved, target, links, 0, ref problem) ? resolved : null;
    }

    private static bool Resolve(List<string> resolved, string target, IReadOnlyDictionary<string, string> links, int depth, ref string? problem)
    {
        if (target.StartsWith('/'))
        {
            problem = $"points to the absolute path '{target}' outside the archived tree";
            return false;
        }

        foreach (var segment in target.Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (resolved.Count == 0)
                {
                    problem = $"points outside the archived tree (through '{target}')";
                    return false;
                }

                resolved.RemoveAt(resolved.Count - 1);
                continue;
            }

            resolved.Add(segment);
            if (links.TryGetValue(string.Join('/', resolved), out var next))
            {
                if (depth == MaxLinkDepth)
                {
                    problem = "is part of a symlink loop or a chain of more than 40 symlinks";
                    return false;
                }

                resolved.RemoveAt(resolved.Count - 1);
                if (!Resolve(resolved, next, links, depth + 1, ref problem))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// The first entry that lies below a file or a symlink (writing it would go through the link, or fail),
    /// as (entry, ancestor); null when there is none.
    /// </summary>
    public static (string Entry, string Ancestor)? FindEntryBelowNonDirectory(IReadOnlyList<ArchiveEntry> entries)
    {
        var nonDirectories = entries.Where(e => e.Kind != ArchiveEntryKind.Directory).Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            for (var slash = entry.Path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = entry.Path.IndexOf('/', slash + 1))
            {
                var ancestor = entry.Path[..slash];
                if (nonDirectories.Contains(ancestor))
                {
                    return (entry.Path, ancestor);
                }
            }
        }

        return null;
    }

    /// <summary>The first symlink that leaves the tree (or, with <paramref name="allowedTops"/>, the archived top-level directories), with the reason.</summary>
    public static (string Link, string Problem)? FindEscapingLink(IReadOnlyList<ArchiveEntry> entries, IReadOnlyCollection<string>? allowedTops)
    {
        var links = entries.Where(e => e.Kind == ArchiveEntryKind.Symlink).ToDictionary(e => e.Path, e => e.LinkTarget!, StringComparer.Ordinal);
        foreach (var (path, target) in links)
        {
            var resolved = ResolveLink(path, target, links, out var problem);
            if (resolved is null)
            {
                return (path, problem!);
            }

            if (allowedTops is not null && (resolved.Count == 0 || !allowedTops.Contains(resolved[0])))
            {
                return (path, $"points to '{target}', outside the archived directories");
            }
        }

        return null;
    }
}
