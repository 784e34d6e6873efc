namespace OrchestrationMaint.Core.Backups;

/// <summary>
/// Writes validated entries under a fresh staging directory without ever following a symlink: files
/// are created with CreateNew (O_CREAT|O_EXCL, which refuses an existing name, link or not); symlinks
/// are made only after every file and directory exists, so none can lie on a path being written;
/// each directory created is checked not to be a link. Directory modes are applied last, so a
/// read-only directory does not stop its own contents from being written.
/// </summary>
internal sealed class StagingWriter(string root)
{
    /// <summary>Never restored: setuid, setgid, sticky, group- and world-write.</summary>
    private const UnixFileMode Allowed = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode WhileWriting = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly HashSet<string> _directories = new(StringComparer.Ordinal) { "" };
    private readonly List<(string Path, UnixFileMode Mode)> _directoryModes = [];
    private readonly List<(string Path, string Target)> _symlinks = [];

    public static UnixFileMode Sanitize(UnixFileMode mode) => mode & Allowed;

    public void Directory(string path, UnixFileMode mode)
    {
        EnsureDirectory(path);
        _directoryModes.Add((path, Sanitize(mode)));
    }

    public FileStream CreateFile(string path, long size)
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

    public static void CompleteFile(FileStream file, UnixFileMode mode, DateTimeOffset modified)
    {
        File.SetUnixFileMode(file.SafeFileHandle, Sanitize(mode));
        File.SetLastWriteTimeUtc(file.SafeFileHandle, modified.UtcDateTime);
    }

    public void Symlink(string path, string target) => _symlinks.Add((path, target));

    /// <summary>Makes the symlinks, then gives directories their modes, deepest first.</summary>
    public void Complete()
    {
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
