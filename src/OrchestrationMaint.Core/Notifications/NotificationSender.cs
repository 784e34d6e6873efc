using System.Net;
using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;

namespace OrchestrationMaint.Core.Notifications;

/// <summary>One attempt's outcome: null error means delivered.</summary>
public sealed record SendOutcome(string? Error)
{
    public static readonly SendOutcome Delivered = new((string?)null);

    public bool Succeeded => Error is null;
}

/// <summary>
/// Sends one rendered message, once, within the attempt timeout; never throws for the outside world's
/// faults but says what went wrong in a sentence. Used by the worker and by "Send test" alike.
/// </summary>
public sealed class NotificationSender(IHttpClientFactory httpClients, IOptions<NotificationOptions> options)
{
    public const string HttpClientName = "notifications";

    public async Task<SendOutcome> SendAsync(ChannelType type, string url, string recipients, string subject, string payload, CancellationToken cancellationToken)
    {
        var timeout = options.Value.AttemptTimeout;
        // The timeout is wall-clock time on the network, whatever clock the scheduling uses.
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(timeout);
        try
        {
            return type == ChannelType.Email
                ? await SendEmailAsync(recipients, subject, payload, attempt.Token)
                : await PostAsync(url, payload, attempt.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SendOutcome($"timed out after {Seconds(timeout)}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever else the libraries throw (an SMTP server that wants a sign-in, a malformed address) is this
            // attempt's failure, counted and backed off like any other, never a loop that sends again at once.
            return new SendOutcome($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private async Task<SendOutcome> PostAsync(string url, string payload, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return new SendOutcome("the channel has no valid URL; edit the channel");
        }

        var client = httpClients.CreateClient(HttpClientName);
        using var content = new StringContent(payload, Encoding.UTF8, "application/json");
        try
        {
            using var response = await client.PostAsync(uri, content, cancellationToken);
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400)
            {
                var location = response.Headers.Location is { } target ? (target.IsAbsoluteUri ? target : new Uri(uri, target)).ToString() : "another address";
                return new SendOutcome($"redirected to {location} (webhooks are not followed to another address; fix the URL)");
            }

            return response.IsSuccessStatusCode ? SendOutcome.Delivered : new SendOutcome($"HTTP {status} from {uri.Host}");
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException socket)
        {
            return new SendOutcome($"could not connect to {uri.Authority}: {socket.Message}");
        }
        catch (HttpRequestException ex)
        {
            return new SendOutcome($"could not reach {uri.Authority}: {ex.Message}");
        }
    }

    private async Task<SendOutcome> SendEmailAsync(string recipients, string subject, string body, CancellationToken cancellationToken)
    {
        var smtp = options.Value.Smtp;
        if (!smtp.IsConfigured)
        {
            return new SendOutcome("SMTP is not configured: set Notifications:Smtp:Host, Port, From (and User/Password) in the app's configuration");
        }

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        foreach (var address in EmailAddresses.Split(recipients))
        {
            message.To.Add(MailboxAddress.Parse(address));
        }

        if (message.To.Count == 0)
        {
            return new SendOutcome("no recipients");
        }

        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        using var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(smtp.Host, smtp.Port, smtp.SocketOptions, cancellationToken);
            if (smtp.User.Length > 0)
            {
                await client.AuthenticateAsync(smtp.User, smtp.Password, cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(true, cancellationToken);
            return SendOutcome.Delivered;
        }
        catch (SmtpCommandException ex)
        {
            return new SendOutcome($"SMTP refused: {(int)ex.StatusCode} {ex.Message}");
        }
        catch (MailKit.Security.AuthenticationException ex)
        {
            return new SendOutcome($"SMTP sign-in failed for {smtp.User}: {ex.Message}");
        }
        catch (Exception ex) when (ex is SocketException or IOException or SmtpProtocolException or ServiceNotConnectedException or MailKit.Security.SslHandshakeException)
        {
            return new SendOutcome($"could not talk to the SMTP server {smtp.Host}:{smtp.Port}: {ex.Message}");
        }
    }

    private static string Seconds(TimeSpan timeout) => timeout.TotalSeconds >= 1 && timeout.TotalSeconds % 1 == 0
        ? $"{timeout.TotalSeconds:0} s"
        : $"{timeout.TotalMilliseconds:0} ms";
}

/// <summary>The channel's recipients field: addresses separated by commas, semicolons or spaces.</summary>
public static class EmailAddresses
{
    public static IReadOnlyList<string> Split(string recipients) =>
        recipients.Split([',', ';', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static bool IsValid(string address) =>
        MailboxAddress.TryParse(address, out var mailbox) && mailbox.Address.Contains('@', StringComparison.Ordinal) && mailbox.Address == address;
}
