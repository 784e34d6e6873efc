namespace OrchestrationMaint.Core.Target;

/// <summary>Permission questions about a file, answered from its POSIX mode.</summary>
public static class FileModes
{
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public static bool IsExecutable(string path) => (File.GetUnixFileMode(path) & AnyExecute) != 0;

    public static bool IsGroupOrWorldWritable(string path) => (File.GetUnixFileMode(path) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0;

    public static bool IsReadable(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>As <c>ls -l</c> shows it: <c>-rwxr-xr-x</c>.</summary>
    public static string Describe(string path)
    {
        var mode = File.GetUnixFileMode(path);
        Span<char> text = stackalloc char[10];
        text[0] = Directory.Exists(path) ? 'd' : '-';
        ReadOnlySpan<(UnixFileMode Bit, char Letter)> bits =
        [
            (UnixFileMode.UserRead, 'r'), (UnixFileMode.UserWrite, 'w'), (UnixFileMode.UserExecute, 'x'),
            (UnixFileMode.GroupRead, 'r'), (UnixFileMode.GroupWrite, 'w'), (UnixFileMode.GroupExecute, 'x'),
            (UnixFileMode.OtherRead, 'r'), (UnixFileMode.OtherWrite, 'w'), (UnixFileMode.OtherExecute, 'x'),
        ];
        for (var i = 0; i < bits.Length; i++)
        {
            text[i + 1] = (mode & bits[i].Bit) != 0 ? bits[i].Letter : '-';
        }

        return new string(text);
    }
}
