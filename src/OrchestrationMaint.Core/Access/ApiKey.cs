namespace OrchestrationMaint.Core.Access;

/// <summary>An API key: only its SHA-256 is stored (the key itself is shown once), with a short prefix to recognise it by.</summary>
public sealed class ApiKey
{
    public long Id { get; set; }

    public required string Name { get; set; }

    public Role Role { get; set; }

    /// <summary>Lower-case hex SHA-256 of the whole key.</summary>
    public required string Hash { get; set; }

    /// <summary>The key's first characters, shown in lists so an operator can tell keys apart.</summary>
    public required string Prefix { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public string? RevokedBy { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>Comes from configuration (Auth:ProvisionedApiKeys) and is kept in step with it at every start.</summary>
    public bool Provisioned { get; set; }

    public bool IsUsable(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}
