namespace OrchestrationMaint.Tests;

public static class TestDirectories
{
    /// <summary>Deletes a tree that may hold git's read-only object files, and symlinks (removed, never followed: a link to ".." would loop).</summary>
    public static void DeleteTree(string path)
    {
        foreach (var file in Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }

        Directory.Delete(path, recursive: true);
    }
}
