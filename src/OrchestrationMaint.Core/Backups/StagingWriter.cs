using System.Runtime.ExceptionServices;

namespace OrchestrationMaint.Core.Backups;

/// <summary>
/// Writes entries under a fresh staging directory while <see cref="ArchiveReader"/> is still validating
/// the archive, without ever following a symlink: files are created with CreateNew (O_CREAT|O_EXCL,
/// which refuses an existing name, link or not); symlinks are only recorded while the archive streams
/// and made in <see cref="Complete"/>, after every check of the whole archive has passed, so none can
/// lie on a path being written; each directory created is checked not to be a link. Directory modes are
/// applied last, so a read-only directory does not stop its own contents from being written.
/// <para>A problem met while writing (an entry the manifest does not expect, a name already taken, a
/// full disk, more declared content than <paramref name="budget"/> bytes) does not end the pass: the
/// writer stops writing, and the reader goes on validating the rest of the archive, so that a hostile
/// archive is refused with the same message <see cref="SafeArchive.Inspect(string, ArchiveLimits, IReadOnlyList{ArchiveEntry}?, CancellationToken)"/>
/// gives. The first such problem is thrown by <see cref="Complete"/> when validation found nothing.</para>
/// </summary>
/// <param name="budget">Bytes that declared content plus <paramref name="entryOverhead"/> per entry may take before writing stops (the free space measured before the first write).</param>
internal sealed class StagingWriter(string root, long budget = long.MaxValue, long entryOverhead = 0)
{
    /// <summary>Never restored: setuid, setgid, sticky, group- and world-write.</summary>
    private const UnixFileMode Allowed = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode WhileWriting = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly HashSet<string> _directories = new(StringComparer.Ordinal) { "" };
    private readonly List<(string Path, UnixFileMode Mode)> _directoryModes = [];
    private readonly List<(string Path, string Target)> _symlinks = [];
    private long _committed;
    private ExceptionDispatchInfo? _failure;

    /// <summary>Writing has stopped (see the class remarks); the reader keeps validating.</summary>
    public bool Stopped => _failure is not null;

    public static UnixFileMode Sanitize(UnixFileMode mode) => mode & Allowed;

    /// <summary>Stops writing for good; the first problem is the one <see cref="Complete"/> throws.</summary>
    public void Stop(Exception problem) => _failure ??= ExceptionDispatchInfo.Capture(problem);

    /// <summary>Whether the entry, already validated on its own, may be written: false once writing has stopped, or when its declared size would exceed the budget.</summary>
    public bool Admit(ArchiveEntry entry)
    {
        _committed += entry.Size + entryOverhead;
        if (_committed > budget)
        {
            Stop(new IOException("the declared content exceeds the free space measured before extraction"));
        }

        return !Stopped;
    }

    public void Directory(string path, UnixFileMode mode)
    {
        if (Stopped)
        {
            return;
        }

        try
        {
            EnsureDirectory(path);
            _directoryModes.Add((path, Sanitize(mode)));
        }
        catch (Exception e) when (IsWriteProblem(e))
        {
            Stop(e);
        }
    }

    /// <summary>The new file, or null when writing has stopped or the file cannot be created (which stops writing).</summary>
    public FileStream? CreateFile(string path, long size)
    {
        if (Stopped)
        {
            return null;
        }

        try
        {
            EnsureDirectory(ParentOf(path));
            return new FileStream(Full(path), new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                PreallocationSize = size,
                BufferSize = 0,
            });
        }
        catch (Exception e) when (IsWriteProblem(e))
        {
            Stop(e);
            return null;
        }
    }

    /// <summary>Writes to a file from <see cref="CreateFile"/>; on failure stops writing, closes the file, and returns null.</summary>
    public FileStream? Write(FileStream file, ReadOnlySpan<byte> data)
    {
        try
        {
            file.Write(data);
            return file;
        }
        catch (Exception e) when (IsWriteProblem(e))
        {
            Stop(e);
            Close(file);
            return null;
        }
    }

    /// <summary>Gives a fully written file its mode and time, and closes it.</summary>
    public void CompleteFile(FileStream file, UnixFileMode mode, DateTimeOffset modified)
    {
        try
        {
            File.SetUnixFileMode(file.SafeFileHandle, Sanitize(mode));
            File.SetLastWriteTimeUtc(file.SafeFileHandle, modified.UtcDateTime);
        }
        catch (Exception e) when (IsWriteProblem(e))
        {
            Stop(e);
        }

        Close(file);
    }

    /// <summary>Closes a file without letting a failure hide the exception being thrown.</summary>
    public void Close(FileStream file)
    {
        try
        {
            file.Dispose();
        }
        catch (Exception e) when (IsWriteProblem(e))
        {
            Stop(e);
        }
    }

    public void Symlink(string path, string target) => _symlinks.Add((path, target));

    /// <summary>
    /// Called only once the whole archive has passed every check: throws the problem that stopped
    /// writing, if any; otherwise makes the symlinks, then gives directories their modes, deepest first.
    /// </summary>
    public void Complete()
    {
        _failure?.Throw();
        foreach (var (path, target) in _symlinks)
        {
            EnsureDirectory(ParentOf(path));
            File.CreateSymbolicLink(Full(path), target);
        }

        foreach (var (path, mode) in _directoryModes.OrderByDescending(d => d.Path.Count(c => c == '/')))
        {
            File.SetUnixFileMode(Full(path), mode);
        }
    }

    /// <summary>Removes a staging directory entirely, including any that were made read-only.</summary>
    public static void Remove(string stagingDirectory)
    {
        if (!System.IO.Directory.Exists(stagingDirectory))
        {
            return;
        }

        foreach (var directory in new DirectoryInfo(stagingDirectory).EnumerateDirectories("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
        {
            directory.UnixFileMode |= WhileWriting;
        }

        System.IO.Directory.Delete(stagingDirectory, recursive: true);
    }

    /// <summary>What a write can throw for a name or a disk, as opposed to a bug or cancellation.</summary>
    private static bool IsWriteProblem(Exception e) => e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException;

    private static string ParentOf(string path) => path.LastIndexOf('/') is var slash and >= 0 ? path[..slash] : "";

    private string Full(string path) => Path.Combine(root, path);

    private void EnsureDirectory(string path)
    {
        if (_directories.Contains(path))
        {
            return;
        }

        EnsureDirectory(ParentOf(path));
        var created = System.IO.Directory.CreateDirectory(Full(path), WhileWriting);
        if (created.LinkTarget is not null)
        {
            throw new IOException($"'{path}' in the staging directory is a symlink; nothing is written through a link");
        }

        _directories.Add(path);
    }
}
