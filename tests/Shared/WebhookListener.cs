using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrchestrationMaint.Tests;

/// <summary>What a webhook endpoint received.</summary>
public sealed record ReceivedRequest(string Method, string Path, string ContentType, string Body);

/// <summary>How the endpoint answers one request: a status, after a delay, optionally redirecting.</summary>
public sealed record WebhookReply(int Status = 200, TimeSpan Delay = default, string? Location = null)
{
    public static readonly WebhookReply Ok = new();
}

/// <summary>A real HTTP endpoint on Kestrel (127.0.0.1, free port) that records every request and answers as told.</summary>
public sealed class WebhookListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private int _count;

    private WebhookListener(WebApplication app) => _app = app;

    /// <summary>Given the 1-based number of the request, how to answer it (200 by default).</summary>
    public Func<int, WebhookReply> Reply { get; set; } = _ => WebhookReply.Ok;

    public IReadOnlyList<ReceivedRequest> Received => [.. _received];

    public Uri BaseAddress { get; private set; } = null!;

    public string Url(string path = "/hook") => new Uri(BaseAddress, path).ToString();

    public static async Task<WebhookListener> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var listener = new WebhookListener(app);
        app.Run(listener.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        listener.BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return listener;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        _received.Enqueue(new ReceivedRequest(context.Request.Method, context.Request.Path, context.Request.ContentType ?? "", body));
        var reply = Reply(Interlocked.Increment(ref _count));
        if (reply.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(reply.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.StatusCode = reply.Status;
        if (reply.Location is not null)
        {
            context.Response.Headers.Location = reply.Location;
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> requests arrived (10 s at most).</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (_received.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The webhook listener received {_received.Count} requests, not {count}.");
            }

            await Task.Delay(20);
        }

        return Received;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
