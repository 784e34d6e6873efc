using MailKit.Security;
using Microsoft.Extensions.Options;

namespace OrchestrationMaint.Core.Notifications;

/// <summary>Configuration section <c>Notifications</c>: retries, flood control, escalation and the SMTP server.</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Notifications";

    /// <summary>Attempts before a delivery is marked failed (the first one included).</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The wait after the 1st, 2nd, … failed attempt; the last value repeats.</summary>
    public TimeSpan[] Backoff { get; set; } = [];

    /// <summary>How long one attempt (HTTP request or SMTP conversation) may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Messages per channel per minute; beyond it the due deliveries go out as one grouped message.</summary>
    public int RateLimitPerMinute { get; set; } = 10;

    /// <summary>An alert still firing, unacknowledged, this long after it fired (or last escalated) goes up one level.</summary>
    public TimeSpan EscalateAfter { get; set; } = TimeSpan.FromMinutes(30);

    public SmtpOptions Smtp { get; set; } = new();

    public static readonly TimeSpan[] DefaultBackoff =
        [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1)];

    /// <summary>"6 attempts, waiting 30 s, 2 min, 10 min, 30 min, 1 h between them": what the page tells people.</summary>
    public string RetryPolicy => MaxAttempts <= 1 ? "1 attempt, no retries"
        : $"{MaxAttempts} attempts, waiting {string.Join(", ", Enumerable.Range(1, MaxAttempts - 1).Select(i => Alerts.AlertKinds.Span(BackoffAfter(i))))} between them";

    /// <summary>The wait after the <paramref name="failedAttempts"/>-th failure.</summary>
    public TimeSpan BackoffAfter(int failedAttempts)
    {
        // Binding appends to an array default rather than replacing it, so the default lives apart.
        var backoff = Backoff.Length > 0 ? Backoff : DefaultBackoff;
        return backoff[Math.Clamp(failedAttempts - 1, 0, backoff.Length - 1)];
    }
}

public enum SmtpTlsMode
{
    /// <summary>STARTTLS when the server offers it (MailKit's Auto: implicit TLS on port 465).</summary>
    Auto,
    None,
    StartTls,
    SslOnConnect,
}

/// <summary>Section <c>Notifications:Smtp</c>. Kept out of the database so the password stays with the other secrets.</summary>
public sealed class SmtpOptions
{
    public string Host { get; set; } = "";

    public int Port { get; set; } = 587;

    public SmtpTlsMode TlsMode { get; set; } = SmtpTlsMode.Auto;

    public string User { get; set; } = "";

    public string Password { get; set; } = "";

    public string From { get; set; } = "";

    public bool IsConfigured => Host.Trim().Length > 0;

    internal SecureSocketOptions SocketOptions => TlsMode switch
    {
        SmtpTlsMode.None => SecureSocketOptions.None,
        SmtpTlsMode.StartTls => SecureSocketOptions.StartTls,
        SmtpTlsMode.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}

/// <summary>A bad setting stops the app with a sentence that names the key.</summary>
public sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var errors = new List<string>();
        if (options.MaxAttempts is < 1 or > 50)
        {
            errors.Add($"Notifications:MaxAttempts is {options.MaxAttempts}: use 1 to 50.");
        }

        if (options.AttemptTimeout < TimeSpan.FromSeconds(1) || options.AttemptTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"Notifications:AttemptTimeout is {options.AttemptTimeout}: use 00:00:01 to 00:05:00.");
        }

        if (options.RateLimitPerMinute is < 1 or > 1000)
        {
            errors.Add($"Notifications:RateLimitPerMinute is {options.RateLimitPerMinute}: use 1 to 1000.");
        }

        if (options.EscalateAfter < TimeSpan.FromMinutes(1))
        {
            errors.Add($"Notifications:EscalateAfter is {options.EscalateAfter}: use at least 00:01:00.");
        }

        if (options.Backoff.Any(b => b <= TimeSpan.Zero))
        {
            errors.Add("Notifications:Backoff has a wait of zero or less: every wait must be positive (e.g. 00:00:30).");
        }

        var smtp = options.Smtp;
        if (smtp.IsConfigured)
        {
            if (smtp.Port is < 1 or > 65535)
            {
                errors.Add($"Notifications:Smtp:Port is {smtp.Port}: use 1 to 65535.");
            }

            if (!MimeKit.MailboxAddress.TryParse(smtp.From, out _))
            {
                errors.Add($"Notifications:Smtp:From is '{smtp.From}': set the sender's address (e.g. maintenance@example.com), needed when Notifications:Smtp:Host is set.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
