namespace OrchestrationMaint.Web.Tests;

internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The app as the solution build left it, in the same configuration as these tests.</summary>
    public static string BuiltAppDll
    {
        get
        {
            // tests/OrchestrationMaint.Web.Tests/bin/<Configuration>/net10.0/
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
            return Path.Combine(Root, "src", "OrchestrationMaint.Web", "bin", configuration, "net10.0", "OrchestrationMaint.Web.dll");
        }
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OrchestrationMaint.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("OrchestrationMaint.sln not found above the test output.");
    }
}
