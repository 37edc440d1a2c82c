using System.Buffers.Binary;
using System.Text;

namespace TapeAD.Bench.Torch;

/// <summary>
/// Lets TorchSharp 0.107.0's native wrapper load on Debian 12. A C# port of the team tool
/// <c>shared/tools/patch_glibcxx.py</c> (ours, copied so the bench needs neither the shared folder nor
/// python): libLibTorchSharp.so was built with GCC 13 and records a version need on GLIBCXX_3.4.32
/// for one symbol (<c>_ZSt21ios_base_library_initv</c>) that it references and never calls; Debian 12's
/// libstdc++ stops at 3.4.30. Marking that version need VER_FLG_WEAK in the .gnu.version_r section
/// lets the loader accept the older libstdc++; nothing else changes.
/// </summary>
/// <remarks>
/// Runs before the first TorchSharp call and patches only the copy in this program's output folder,
/// never the NuGet cache. Idempotent; a patched file is written to a temporary name and renamed over
/// the original, so another process that has the old file mapped is not disturbed.
/// </remarks>
public static class NativePatch
{
    private const ushort VerFlgWeak = 0x2;
    private const uint ShtGnuVerneed = 0x6FFFFFFE;
    private static readonly string[] Versions = ["GLIBCXX_3.4.32"];
    private static readonly object Gate = new();
    private static bool _done;

    public static void EnsureTorchSharpLoads()
    {
        lock (Gate)
        {
            if (_done || !OperatingSystem.IsLinux()) return;
            foreach (var path in Candidates())
                if (File.Exists(path)) Patch(path);
            _done = true;
        }
    }

    private static IEnumerable<string> Candidates()
    {
        string baseDir = AppContext.BaseDirectory;
        yield return Path.Combine(baseDir, "libLibTorchSharp.so");
        yield return Path.Combine(baseDir, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }

    /// <summary>Marks the listed version needs weak; returns how many entries were changed.</summary>
    public static int Patch(string path)
    {
        byte[] data = File.ReadAllBytes(path);
        if (data.Length < 64 || data[0] != 0x7F || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F' || data[4] != 2 || data[5] != 1)
            throw new InvalidDataException($"{path}: not a little-endian ELF64 file.");
        var span = data.AsSpan();
        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]);
        ushort shentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3A..]);
        ushort shnum = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3C..]);
        var sections = new (uint Type, long Offset, int Link)[shnum];
        for (int i = 0; i < shnum; i++)
        {
            var sh = span[(int)((long)shoff + i * shentsize)..];
            sections[i] = (BinaryPrimitives.ReadUInt32LittleEndian(sh[4..]), (long)BinaryPrimitives.ReadUInt64LittleEndian(sh[24..]),
                (int)BinaryPrimitives.ReadUInt32LittleEndian(sh[40..]));
        }
        int changed = 0, alreadyWeak = 0;
        foreach (var (type, offset, link) in sections)
        {
            if (type != ShtGnuVerneed) continue;
            long strtab = sections[link].Offset;
            long vn = offset;
            while (true)
            {
                ushort cnt = BinaryPrimitives.ReadUInt16LittleEndian(span[(int)(vn + 2)..]);
                uint aux = BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(vn + 8)..]);
                uint next = BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(vn + 12)..]);
                long a = vn + aux;
                for (int k = 0; k < cnt; k++)
                {
                    ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(span[(int)(a + 4)..]);
                    uint name = BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(a + 8)..]);
                    uint anext = BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(a + 12)..]);
                    if (Versions.Contains(CString(span, strtab + name)))
                    {
                        if ((flags & VerFlgWeak) == 0)
                        {
                            BinaryPrimitives.WriteUInt16LittleEndian(span[(int)(a + 4)..], (ushort)(flags | VerFlgWeak));
                            changed++;
                        }
                        else alreadyWeak++;
                    }
                    if (anext == 0) break;
                    a += anext;
                }
                if (next == 0) break;
                vn += next;
            }
        }
        if (changed > 0)
        {
            string tmp = path + ".patching";
            File.WriteAllBytes(tmp, data);
            File.Move(tmp, path, overwrite: true);
            Console.WriteLine($"// patched {path}: {changed} version need(s) on {string.Join(", ", Versions)} marked weak");
        }
        return changed;
    }

    private static string CString(ReadOnlySpan<byte> data, long offset)
    {
        var s = data[(int)offset..];
        return Encoding.ASCII.GetString(s[..s.IndexOf((byte)0)]);
    }
}
