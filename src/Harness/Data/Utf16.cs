namespace Harness.Data;

/// <summary>
/// Recognizes UTF-16 text (with or without a byte-order mark), which the harness does not read: read as UTF-8 it
/// becomes NUL bytes between characters, and the messages about it would quote them.
/// </summary>
public static class Utf16
{
    /// <summary>True for a UTF-16 byte-order mark, or for ASCII text with every other byte NUL in its first bytes.</summary>
    public static bool Looks(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF))) return true;
        var head = bytes[..Math.Min(bytes.Length, 64)];
        if (head.Length < 4) return false;
        int evenNul = 0, oddNul = 0;
        for (int i = 0; i < head.Length; i++)
            if (head[i] == 0) { if (i % 2 == 0) evenNul++; else oddNul++; }
        // ASCII in UTF-16: every high byte NUL (odd positions little-endian, even big-endian), the others not.
        return (oddNul >= head.Length / 2 - 1 && evenNul == 0) || (evenNul >= head.Length / 2 - 1 && oddNul == 0);
    }
}
