using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Backups;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Backups;

/// <summary>A real demo target, a real SQLite file, and the BackupService the app would build on them.</summary>
internal sealed class BackupHarness : IDisposable
{
    public TempDirectory Temp { get; } = new("om-backup");

    public string Root { get; private set; } = "";

    public string ConfigFile => Path.Combine(Root, "config", "distribution.json");

    public TestDatabase Database { get; private set; } = default!;

    public static CancellationToken Token => TestContext.Current.CancellationToken;

    public async Task<BackupService> StartAsync()
    {
        Root = TestTarget.GenerateDemo(Temp.Combine("demo"), records: 100);
        Database = await TestDatabase.MigratedAsync(Temp.Combine("maint.db"));
        return Service(Database);
    }

    /// <summary>The same target seen by an app with a database of its own: the first one's records are lost to it.</summary>
    public async Task<BackupService> WithFreshDatabaseAsync(string name) => Service(await TestDatabase.MigratedAsync(Temp.Combine(name)));

    /// <summary>What a restore checks before and after: here, only that config/distribution.json parses.</summary>
    public Task<IReadOnlyList<(string Key, bool Passed, string Message)>> ConfigParses(CancellationToken _)
    {
        var passed = File.Exists(ConfigFile) && IsJson(File.ReadAllText(ConfigFile));
        return Task.FromResult<IReadOnlyList<(string, bool, string)>>([("config", passed, passed ? "valid" : "invalid JSON")]);
    }

    /// <summary>Runs a command (tar, mkfifo) and fails the test with its output if it fails.</summary>
    public async Task RunAsync(string command, params string[] arguments)
    {
        var result = await OrchestrationMaint.Core.Target.ScriptRunner.RunAsync(command, arguments, Temp.Path, TimeSpan.FromMinutes(1), Token);
        Assert.True(result.Succeeded, $"{command} {string.Join(' ', arguments)}: {result.Output}");
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Temp.Dispose();
    }

    private BackupService Service(TestDatabase database) =>
        new(database, TestTarget.Location(Root, Temp.Path), Options.Create(new BackupOptions()), TimeProvider.System, NullLogger<BackupService>.Instance);

    private static bool IsJson(string text)
    {
        try
        {
            System.Text.Json.JsonDocument.Parse(text).Dispose();
            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
