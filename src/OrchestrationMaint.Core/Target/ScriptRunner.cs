using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace OrchestrationMaint.Core.Target;

public sealed record ScriptResult(int? ExitCode, string Output, bool TimedOut, bool Truncated, TimeSpan Duration)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;
}

/// <summary>
/// Runs a program in the target: arguments as a list (never a shell string), a timeout, stdout and
/// stderr read concurrently as bytes (a 1 GB line neither deadlocks nor fills memory), output kept
/// up to a cap, and on timeout, cancel or exit every process the run started killed, including
/// those that left the process group with <c>setsid</c>: each run marks its processes with an
/// environment variable they inherit, and the marked ones are found through /proc.
/// </summary>
public static class ScriptRunner
{
    public const int DefaultOutputCap = 64 * 1024;
    public const int MaxLineChars = 8 * 1024;
    public const string TruncatedMark = "[output truncated: later lines were not kept]";
    private const string MarkerVariable = "OM_RUN_MARKER";
    private const string OwnerVariable = "OM_RUN_OWNER";

    /// <summary>
    /// Set by the task queue around a run: every process started in that flow carries it, so after a
    /// crash the next start-up can stop what the cut-off run left behind (<see cref="KillOwnedBy"/>).
    /// </summary>
    public static readonly AsyncLocal<string?> Owner = new();

    public static async Task<ScriptResult> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout,
        CancellationToken cancellationToken, int outputCap = DefaultOutputCap, IReadOnlyDictionary<string, string>? environment = null,
        Action<string>? onLine = null)
    {
        var marker = Guid.NewGuid().ToString("N");
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Nothing run from here may wait for a person: git must fail instead of asking for a password.
        info.Environment["GIT_TERMINAL_PROMPT"] = "0";
        info.Environment["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes -o ConnectTimeout=10";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        info.Environment[MarkerVariable] = marker;
        if (Owner.Value is { } owner)
        {
            info.Environment[OwnerVariable] = owner;
        }
        var output = new OutputCollector(outputCap, onLine);
        var started = Stopwatch.GetTimestamp();
        using var process = new Process { StartInfo = info };
        process.Start();
        process.StandardInput.Close();
        var pumps = Task.WhenAll(
            PumpAsync(process.StandardOutput.BaseStream, output),
            PumpAsync(process.StandardError.BaseStream, output));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var timedOut = false;
        var stopped = false;
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellationToken.IsCancellationRequested;
            stopped = true;
            KillMarked(marker, process);
        }


        // A background child still holding the pipes open would keep us waiting for ever: give it a
        // moment to finish its output. Then stop whatever the script left running, pipes or not (a
        // daemon started with setsid and its output redirected): a run owns every process it started.
        var drained = await Task.WhenAny(pumps, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)) == pumps;
        var leftovers = KillMarked(marker, process);
        if (leftovers > 0 && !stopped)
        {
            output.Note($"[stopped {leftovers} background process(es) the script left running]");
        }

        if (!drained)
        {
            await Task.WhenAny(pumps, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
        }

        if (stopped && !timedOut)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        var exitCode = timedOut || !process.HasExited ? (int?)null : process.ExitCode;
        return new ScriptResult(exitCode, output.Text, timedOut, output.Truncated, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Kills the process and everything carrying the run's marker; returns how many marked processes were killed.</summary>
    private static int KillMarked(string marker, Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        return KillCarrying($"{MarkerVariable}={marker}");
    }

    /// <summary>Kills every process started under <paramref name="owner"/> (by this or an earlier, crashed, instance of the app).</summary>
    public static int KillOwnedBy(string owner) => KillCarrying($"{OwnerVariable}={owner}");

    private static int KillCarrying(string variable)
    {
        var needle = Encoding.UTF8.GetBytes(variable + "\0");
        var killed = 0;
        // A process may fork while we look: look again until a pass finds none.
        for (var pass = 0; pass < 5; pass++)
        {
            var found = 0;
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
                {
                    continue;
                }

                try
                {
                    var environ = File.ReadAllBytes(Path.Combine(directory, "environ")).AsSpan();
                    var at = environ.IndexOf(needle);
                    // Whole variables only: at the start, or right after the previous one's NUL.
                    while (at > 0 && environ[at - 1] != 0)
                    {
                        var next = environ[(at + 1)..].IndexOf(needle);
                        at = next < 0 ? -1 : at + 1 + next;
                    }

                    if (at < 0)
                    {
                        continue;
                    }

                    using var marked = Process.GetProcessById(pid);
                    marked.Kill();
                    found++;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // Exited meanwhile, or not ours to read.
                }
            }

            killed += found;
            if (found == 0)
            {
                break;
            }

            Thread.Sleep(50);
        }

        return killed;
    }

    private static async Task PumpAsync(Stream stream, OutputCollector output)
    {
        var buffer = new byte[64 * 1024];
        var line = new LineBuilder();
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            var span = buffer.AsSpan(0, read);
            int newline;
            while ((newline = span.IndexOf((byte)'\n')) >= 0)
            {
                line.Append(span[..newline]);
                output.Add(line.Take());
                span = span[(newline + 1)..];
            }

            line.Append(span);
        }

        if (line.HasContent)
        {
            output.Add(line.Take());
        }
    }

    /// <summary>The bytes of one line up to <see cref="MaxLineChars"/>; the rest is counted, not kept.</summary>
    private sealed class LineBuilder
    {
        private readonly byte[] _bytes = new byte[MaxLineChars];
        private int _length;
        private long _dropped;

        public bool HasContent => _length > 0 || _dropped > 0;

        public void Append(ReadOnlySpan<byte> bytes)
        {
            var room = Math.Min(bytes.Length, _bytes.Length - _length);
            bytes[..room].CopyTo(_bytes.AsSpan(_length));
            _length += room;
            _dropped += bytes.Length - room;
        }

        public string Take()
        {
            var length = _length > 0 && _bytes[_length - 1] == '\r' ? _length - 1 : _length;
            var text = Encoding.UTF8.GetString(_bytes, 0, length);
            if (_dropped > 0)
            {
                text += string.Create(CultureInfo.InvariantCulture, $" … [line cut: {_dropped:N0} more bytes]");
            }

            _length = 0;
            _dropped = 0;
            return text;
        }
    }

    private sealed class OutputCollector(int cap, Action<string>? onLine)
    {
        private readonly StringBuilder _text = new();

        public bool Truncated { get; private set; }

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public void Add(string line)
        {
            lock (_text)
            {
                if (Truncated)
                {
                    return;
                }

                if (_text.Length + line.Length + 1 > cap)
                {
                    Truncated = true;
                    line = TruncatedMark;
                }

                _text.Append(line).Append('\n');
                onLine?.Invoke(line);
            }
        }

        public void Note(string line)
        {
            lock (_text)
            {
                _text.Append(line).Append('\n');
                onLine?.Invoke(line);
            }
        }
    }
}
