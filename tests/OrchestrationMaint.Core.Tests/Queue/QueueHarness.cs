using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Core.Queue;
using OrchestrationMaint.Core.Records;
using OrchestrationMaint.Core.Tasks;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.Core.Tests.Queue;

/// <summary>A task whose behaviour the test supplies.</summary>
internal sealed class ProbeTask(string key, bool changesTarget, Func<TaskContext, CancellationToken, Task<TaskOutcome>> run, TimeSpan? timeout = null,
    IReadOnlyList<TaskParameter>? parameters = null) : IMaintenanceTask
{
    public TaskDescriptor Descriptor { get; } = new(key, key, key, TaskCadence.OnDemand, changesTarget, timeout ?? TimeSpan.FromMinutes(1), parameters ?? [], "");

    public Task<TaskOutcome> RunAsync(TaskContext context, CancellationToken cancellationToken) => run(context, cancellationToken);
}

/// <summary>A real queue on a real SQLite file and a real temp target directory with logs/.</summary>
internal sealed class QueueHarness : IAsyncDisposable
{
    private readonly TempDirectory _temp;

    private QueueHarness(TempDirectory temp, TestDatabase database, IEnumerable<IMaintenanceTask> tasks, QueueOptions options)
    {
        _temp = temp;
        Database = database;
        Root = _temp.Combine("target");
        Directory.CreateDirectory(Path.Combine(Root, "logs"));
        Tasks = [.. tasks];
        Options = options;
        Queue = NewQueue();
    }

    public TestDatabase Database { get; }

    public string Root { get; }

    public IReadOnlyList<IMaintenanceTask> Tasks { get; }

    public QueueOptions Options { get; }

    public TaskQueue Queue { get; private set; }

    public RunHistory History => new(Database, TimeProvider.System);

    public static async Task<QueueHarness> StartAsync(params IMaintenanceTask[] tasks) => await StartAsync(new QueueOptions(), tasks);

    public static async Task<QueueHarness> StartAsync(QueueOptions options, params IMaintenanceTask[] tasks)
    {
        var temp = new TempDirectory("om-queue");
        var harness = new QueueHarness(temp, await TestDatabase.MigratedAsync(temp.Combine("maint.db")), tasks, options);
        harness.Tester = await harness.Database.AddUserAsync("tester", Role.Admin);
        await harness.Queue.StartAsync(TestContext.Current.CancellationToken);
        return harness;
    }

    public TaskQueue NewQueue()
    {
        var location = TestTarget.Location(Root, _temp.Path);
        return new TaskQueue(new TaskCatalog(Tasks), Database, location, new MaintenanceRecorder(Database, location, NullLogger<MaintenanceRecorder>.Instance),
            Database.Guard, Database.Audit, Microsoft.Extensions.Options.Options.Create(Options), TimeProvider.System, NullLogger<TaskQueue>.Instance);
    }

    /// <summary>Stops the queue as a host shutdown would, and starts a new one on the same database (a restart).</summary>
    public async Task RestartAsync(Func<Task>? whileStopped = null)
    {
        await Queue.StopAsync(TestContext.Current.CancellationToken);
        Queue.Dispose();
        if (whileStopped is not null)
        {
            await whileStopped();
        }

        Queue = NewQueue();
        await Queue.StartAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>An Admin account named "tester", the default requester.</summary>
    public Actor Tester { get; private set; } = Actor.System;

    public async Task<TaskRun> EnqueueAsync(string key, JsonObject? parameters = null, Actor? requester = null)
    {
        var result = await Queue.EnqueueAsync(key, parameters, requester ?? Tester, TestContext.Current.CancellationToken);
        Assert.True(result.Accepted, string.Join(" ", result.Errors));
        return result.Run!;
    }

    public async Task<TaskRun> WaitForStateAsync(long runId, Func<RunState, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var run = await History.GetAsync(runId, TestContext.Current.CancellationToken);
            if (run is not null && done(run.State))
            {
                return run;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Run {runId} is still {run?.State}.");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public Task<TaskRun> WaitFinishedAsync(long runId, TimeSpan? timeout = null) => WaitForStateAsync(runId, s => s is not (RunState.Queued or RunState.Running), timeout);

    public async ValueTask DisposeAsync()
    {
        await Queue.StopAsync(CancellationToken.None);
        Queue.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }
}
