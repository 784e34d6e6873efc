using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OrchestrationMaint.Core.Persistence;

namespace OrchestrationMaint.Core.Access;

public sealed record NewApiKey(ApiKey Key, string Secret);

/// <summary>API keys: created and revoked by Admins, provisioned from configuration, checked on every API request.</summary>
public sealed class ApiKeyService(IDbContextFactory<MaintenanceDbContext> contextFactory, AccessGuard guard, AuditLog audit, TimeProvider clock)
{
    public const string Header = "X-Api-Key";
    public const int MinProvisionedLength = 32;
    private const string SecretPrefix = "om_";
    private const int PrefixLength = 10;

    /// <summary>Last-used times are written at most this often per key: an API poller must not turn every read into a write.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.AsNoTracking().OrderBy(k => k.RevokedAt != null).ThenBy(k => k.Name).ToListAsync(cancellationToken);
    }

    /// <exception cref="AccessDeniedException">Not an Admin.</exception>
    /// <exception cref="ArgumentException">A bad name or expiry; the message says which.</exception>
    public async Task<NewApiKey> CreateAsync(Actor actor, string name, Role role, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        name = name.Trim();
        await guard.RequireAsync(actor, Role.Admin, "key.created", "create API keys", name, cancellationToken);
        var now = clock.GetUtcNow();
        if (name.Length is 0 or > 100)
        {
            throw new ArgumentException("A key needs a name of 1 to 100 characters that says what uses it (e.g. \"ci-pipeline\").", nameof(name));
        }

        if (expiresAt is { } expiry && expiry <= now)
        {
            throw new ArgumentException("The expiry must be in the future.", nameof(expiresAt));
        }

        var secret = SecretPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey { Name = name, Role = role, Hash = HashOf(secret), Prefix = secret[..PrefixLength], CreatedAt = now, CreatedBy = actor.Display, ExpiresAt = expiresAt };
        await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            if (await db.ApiKeys.AnyAsync(k => k.Name == name && k.RevokedAt == null, cancellationToken))
            {
                throw new ArgumentException($"An active key named '{name}' exists already: revoke it first or choose another name.", nameof(name));
            }

            db.ApiKeys.Add(key);
            await db.SaveChangesAsync(cancellationToken);
        }

        await audit.WriteAsync(actor, "key.created", AuditOutcome.Succeeded, name, $"role={role}; expires={expiresAt?.UtcDateTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "never"}", cancellationToken);
        return new NewApiKey(key, secret);
    }

    /// <returns>False when there is no such key or it was revoked already.</returns>
    public async Task<bool> RevokeAsync(Actor actor, long id, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, cancellationToken);
        await guard.RequireAsync(actor, Role.Admin, "key.revoked", "revoke API keys", key?.Name ?? $"#{id}", cancellationToken);
        if (key is null || key.RevokedAt is not null)
        {
            return false;
        }

        key.RevokedAt = clock.GetUtcNow();
        key.RevokedBy = actor.Display;
        await db.SaveChangesAsync(cancellationToken);
        await audit.WriteAsync(actor, "key.revoked", AuditOutcome.Succeeded, key.Name, null, cancellationToken);
        return true;
    }

    /// <summary>The usable key with this secret, or null. Constant work per call: one hash and one indexed lookup.</summary>
    public async Task<ApiKey?> AuthenticateAsync(string secret, CancellationToken cancellationToken)
    {
        var hash = HashOf(secret);
        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Hash == hash, cancellationToken);
        if (key is null || !key.IsUsable(now))
        {
            return null;
        }

        if (key.LastUsedAt is null || now - key.LastUsedAt >= LastUsedResolution)
        {
            key.LastUsedAt = now;
            await db.SaveChangesAsync(cancellationToken);
        }

        return key;
    }

    /// <summary>
    /// Makes the stored provisioned keys match configuration: added or updated by name, and a provisioned
    /// key no longer configured is revoked (configuration is where automation keeps them).
    /// </summary>
    public async Task ProvisionAsync(IReadOnlyList<ProvisionedApiKey> configured, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var existing = await db.ApiKeys.Where(k => k.Provisioned && k.RevokedAt == null).ToListAsync(cancellationToken);
        foreach (var entry in configured)
        {
            var hash = HashOf(entry.Key);
            var key = existing.FirstOrDefault(k => k.Name == entry.Name);
            if (key is null)
            {
                db.ApiKeys.Add(new ApiKey { Name = entry.Name, Role = entry.Role, Hash = hash, Prefix = entry.Key[..Math.Min(PrefixLength, entry.Key.Length / 4)], CreatedAt = now, CreatedBy = "configuration", Provisioned = true });
            }
            else
            {
                key.Role = entry.Role;
                key.Hash = hash;
            }
        }

        foreach (var stale in existing.Where(k => configured.All(c => c.Name != k.Name)))
        {
            stale.RevokedAt = now;
            stale.RevokedBy = "configuration";
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    public static string HashOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
