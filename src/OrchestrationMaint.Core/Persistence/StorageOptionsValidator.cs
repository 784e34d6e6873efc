using Microsoft.Extensions.Options;

namespace OrchestrationMaint.Core.Persistence;

/// <summary>The data directory must exist (it is created if need be) and be writable; otherwise one sentence says why.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            return ValidateOptionsResult.Fail("Storage:DataDirectory is empty: set it to a directory the app may write to (default: ./data).");
        }

        var directory = options.FullDataDirectory;
        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".write-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return ValidateOptionsResult.Success;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return ValidateOptionsResult.Fail(
                $"Storage:DataDirectory '{directory}' cannot be created or written to ({ex.Message}). Point Storage:DataDirectory (environment variable Storage__DataDirectory) at a writable directory.");
        }
    }
}
