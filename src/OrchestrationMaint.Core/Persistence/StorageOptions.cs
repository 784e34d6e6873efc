namespace OrchestrationMaint.Core.Persistence;

/// <summary>Where the app keeps its own state: database, logs, the demo target.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";
    public const string DatabaseFileName = "orchestration-maint.db";

    /// <summary>Relative paths are taken from the working directory, as an operator would expect.</summary>
    public string DataDirectory { get; set; } = "data";

    public string FullDataDirectory => Path.GetFullPath(DataDirectory);

    public string DefaultConnectionString => $"Data Source={Path.Combine(FullDataDirectory, DatabaseFileName)}";
}
