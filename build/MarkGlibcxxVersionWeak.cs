#nullable enable
// Compiled by MSBuild's RoslynCodeTaskFactory (see TorchSharpGlibcxxFix.targets).
// Sets VER_FLG_WEAK on one Elf64_Vernaux entry of a shared library's .gnu.version_r section,
// so that the dynamic loader tolerates a missing symbol version that no relocation uses.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class MarkGlibcxxVersionWeak : Task
{
    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;

    [Required] public ITaskItem[] LibraryPaths { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string VersionName { get; set; } = "";
    [Required] public string SystemLibraries { get; set; } = "";

    public override bool Execute()
    {
        var provider = FindSystemProvider();
        if (provider != null)
        {
            Log.LogMessage(MessageImportance.Low, $"{provider} defines {VersionName}: libLibTorchSharp.so needs no patch.");
            return true;
        }
        foreach (var item in LibraryPaths)
        {
            var path = item.ItemSpec;
            try
            {
                var outcome = Patch(path, VersionName);
                Log.LogMessage(MessageImportance.Normal, $"{path}: {outcome}");
            }
            catch (InvalidDataException e)
            {
                Log.LogError($"Cannot apply the {VersionName} fix to '{path}': {e.Message} " +
                             "The ELF layout is not what the fix expects; refusing to write. Build with -p:TorchSharpGlibcxxFix=false to skip it.");
            }
        }
        return !Log.HasLoggedErrors;
    }

    string? FindSystemProvider()
    {
        var needle = Encoding.ASCII.GetBytes(VersionName + "\0");
        foreach (var candidate in SystemLibraries.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!File.Exists(candidate)) continue;
            if (IndexOf(File.ReadAllBytes(candidate), needle) >= 0) return candidate;
            // The first existing candidate is the one the loader uses on Debian-like systems.
            return null;
        }
        return null;
    }

    /// <summary>Returns what was done; throws InvalidDataException when the file is not a shape it understands.</summary>
    public static string Patch(string path, string versionName)
    {
        var bytes = File.ReadAllBytes(path);
        var offset = FindVernauxFlagsOffset(bytes, versionName);
        if (offset < 0) return $"does not require {versionName}; left unchanged.";
        var flags = (ushort)(bytes[offset] | (bytes[offset + 1] << 8));
        if ((flags & VerFlgWeak) != 0) return $"{versionName} already weak; left unchanged.";
        flags |= VerFlgWeak;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Position = offset;
            stream.WriteByte((byte)(flags & 0xff));
            stream.WriteByte((byte)(flags >> 8));
        }
        return $"marked {versionName} weak at byte offset {offset}.";
    }

    /// <summary>Byte offset of vna_flags for the named version, -1 when the library does not need it.</summary>
    public static long FindVernauxFlagsOffset(byte[] b, string versionName)
    {
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file (bad magic number).");
        if (b[4] != 2) throw new InvalidDataException("not a 64-bit ELF file.");
        if (b[5] != 1) throw new InvalidDataException("not a little-endian ELF file.");
        long shoff = (long)U64(b, 0x28);
        int shentsize = U16(b, 0x3A), shnum = U16(b, 0x3C);
        if (shentsize != 64 || shoff <= 0 || shoff + (long)shnum * shentsize > b.Length)
            throw new InvalidDataException("section header table is missing or truncated.");

        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (U32(b, sh + 4) != ShtGnuVerneed) continue;
            long verneedOff = (long)U64(b, sh + 24), verneedSize = (long)U64(b, sh + 32);
            int strIndex = (int)U32(b, sh + 40), count = (int)U32(b, sh + 44);
            if (strIndex >= shnum || verneedOff + verneedSize > b.Length)
                throw new InvalidDataException(".gnu.version_r points outside the file.");
            long strOff = (long)U64(b, shoff + (long)strIndex * shentsize + 24);

            long vn = verneedOff;
            for (int n = 0; n < count; n++)
            {
                if (vn + 16 > verneedOff + verneedSize) throw new InvalidDataException("Elf64_Verneed entry is truncated.");
                int auxCount = U16(b, vn + 2);
                string file = CString(b, strOff + U32(b, vn + 4));
                long aux = vn + U32(b, vn + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    if (aux + 16 > verneedOff + verneedSize) throw new InvalidDataException("Elf64_Vernaux entry is truncated.");
                    string name = CString(b, strOff + U32(b, aux + 8));
                    if (name == versionName)
                    {
                        if (file != "libstdc++.so.6")
                            throw new InvalidDataException($"{versionName} is required from '{file}', expected libstdc++.so.6.");
                        return aux + 4;
                    }
                    uint next = U32(b, aux + 12);
                    if (next == 0) break;
                    aux += next;
                }
                uint vnNext = U32(b, vn + 12);
                if (vnNext == 0) break;
                vn += vnNext;
            }
            return -1;
        }
        throw new InvalidDataException("no .gnu.version_r (SHT_GNU_verneed) section.");
    }

    static int U16(byte[] b, long o) => b[o] | (b[o + 1] << 8);
    static uint U32(byte[] b, long o) => (uint)(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24));
    static ulong U64(byte[] b, long o) => U32(b, o) | ((ulong)U32(b, o + 4) << 32);

    static string CString(byte[] b, long o)
    {
        if (o < 0 || o >= b.Length) throw new InvalidDataException("string table offset outside the file.");
        long end = o;
        while (end < b.Length && b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, (int)o, (int)(end - o));
    }

    static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i <= haystack.Length - needle.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }
}
