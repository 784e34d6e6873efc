using System.Runtime.InteropServices;

namespace OrchestrationMaint.Core.Metrics;

public enum FileKind
{
    Missing,
    Regular,
    Directory,
    /// <summary>A FIFO, socket or device: never opened, since reading one can block forever.</summary>
    Special,
}

/// <summary>
/// Which file a path names right now (device and inode), so that rotation and replacement are told
/// apart from appends, and who owns it. .NET exposes no inode, so this asks libc's stat(2) directly.
/// </summary>
public readonly partial record struct FileIdentity(ulong Device, ulong Inode, FileKind Kind, long Size, uint OwnerId = 0)
{
    private const uint TypeMask = 0xF000, TypeRegular = 0x8000, TypeDirectory = 0x4000;

    public static FileIdentity Of(string path)
    {
        Span<byte> stat = stackalloc byte[256];
        if (Stat(path, ref MemoryMarshal.GetReference(stat)) != 0)
        {
            return new FileIdentity(0, 0, FileKind.Missing, 0);
        }

        var device = MemoryMarshal.Read<ulong>(stat);
        var inode = MemoryMarshal.Read<ulong>(stat[8..]);
        // struct stat differs by architecture: x86-64 puts st_nlink (8 bytes) before st_mode; arm64 does not.
        var x64 = RuntimeInformation.ProcessArchitecture == Architecture.X64;
        var mode = MemoryMarshal.Read<uint>(stat[(x64 ? 24 : 16)..]);
        var size = MemoryMarshal.Read<long>(stat[48..]);
        var owner = MemoryMarshal.Read<uint>(stat[(x64 ? 28 : 24)..]);
        var kind = (mode & TypeMask) switch
        {
            TypeRegular => FileKind.Regular,
            TypeDirectory => FileKind.Directory,
            _ => FileKind.Special,
        };
        return new FileIdentity(device, inode, kind, size, owner);
    }

    public bool IsSameFileAs(FileIdentity other) => Device == other.Device && Inode == other.Inode;

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, ref byte buffer);
}
