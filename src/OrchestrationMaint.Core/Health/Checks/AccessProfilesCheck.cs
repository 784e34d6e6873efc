using OrchestrationMaint.Core.Metrics;
using OrchestrationMaint.Core.Target;

namespace OrchestrationMaint.Core.Health.Checks;

/// <summary>The seed's access control review: list the profiles with owner and mode, flag group- or world-writable ones.</summary>
public sealed class AccessProfilesCheck : ITargetCheck
{
    public string Key => "access-profiles";

    public string Title => "Access profiles";

    public Task<CheckOutcome> RunAsync(string root, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(root, ".context-control", "profiles");
        if (!Directory.Exists(directory))
        {
            return Task.FromResult(CheckOutcome.Degraded(".context-control/profiles/ does not exist: no access profiles to review.", "Restore the access-control profiles from git or a backup."));
        }

        var users = UserNames();
        var profiles = Directory.GetFiles(directory).Order(StringComparer.Ordinal).ToList();
        var details = profiles.Select(p =>
        {
            var owner = FileIdentity.Of(p).OwnerId;
            return $"{FileModes.Describe(p)}  {users.GetValueOrDefault(owner, owner.ToString(System.Globalization.CultureInfo.InvariantCulture))}  {Path.GetFileName(p)}";
        }).ToList();
        var writable = profiles.Where(FileModes.IsGroupOrWorldWritable).Select(Path.GetFileName).ToList();
        return Task.FromResult(writable.Count > 0
            ? CheckOutcome.Unhealthy($"{writable.Count} profile(s) writable by group or others: {string.Join(", ", writable)}.", "Restrict them: chmod go-w .context-control/profiles/*", details)
            : CheckOutcome.Healthy($"{profiles.Count} profile(s), none writable by group or others.", details));
    }

    /// <summary>uid to name from /etc/passwd; ids without an entry are shown as numbers.</summary>
    private static Dictionary<uint, string> UserNames()
    {
        var names = new Dictionary<uint, string>();
        try
        {
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var fields = line.Split(':');
                if (fields.Length > 2 && uint.TryParse(fields[2], out var uid))
                {
                    names.TryAdd(uid, fields[0]);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return names;
    }
}
