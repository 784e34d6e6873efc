using System.Runtime.InteropServices;

namespace OrchestrationMaint.Core.Backups;

internal enum SourceFileType
{
    Missing,
    Regular,
    Directory,
    Symlink,
    Fifo,
    Socket,
    CharacterDevice,
    BlockDevice,
}

/// <summary>
/// The type of a path itself, symlinks not followed. .NET reports a FIFO, socket or device as an
/// ordinary file (attributes "Normal"), and opening a FIFO to read it blocks, so Create asks lstat(2).
/// </summary>
internal static partial class SourceFileTypes
{
    public static SourceFileType Of(string path)
    {
        Span<byte> stat = stackalloc byte[256];
        if (LStat(path, ref MemoryMarshal.GetReference(stat)) != 0)
        {
            return SourceFileType.Missing;
        }

        // struct stat differs by architecture: x86-64 puts st_nlink (8 bytes) before st_mode; arm64 does not.
        var mode = MemoryMarshal.Read<uint>(stat[(RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16)..]);
        return (mode & 0xF000) switch
        {
            0x8000 => SourceFileType.Regular,
            0x4000 => SourceFileType.Directory,
            0xA000 => SourceFileType.Symlink,
            0x1000 => SourceFileType.Fifo,
            0xC000 => SourceFileType.Socket,
            0x2000 => SourceFileType.CharacterDevice,
            _ => SourceFileType.BlockDevice,
        };
    }

    [LibraryImport("libc", EntryPoint = "lstat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LStat(string path, ref byte buffer);
}
