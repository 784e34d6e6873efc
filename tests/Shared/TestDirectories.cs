namespace OrchestrationMaint.Tests;

public static class TestDirectories
{
    /// <summary>Deletes a tree that may hold git's read-only object files.</summary>
    public static void DeleteTree(string path)
    {
        foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }

        Directory.Delete(path, recursive: true);
    }
}
