using System.Security.Cryptography;
using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>
/// The order in which training samples are visited: a permutation that is a function of (seed, epoch) alone,
/// so every loss of a seed sees the same mini-batches, and a resumed run sees what it would have seen.
/// (TorchSharp's DataLoader repeats one permutation every epoch when seeded, hence this.)
/// </summary>
public static class EpochOrder
{
    /// <summary>A permutation of [0, count) on the CPU (int64).</summary>
    public static Tensor Permutation(int seed, int epoch, long count)
    {
        // Distinct, fixed generator seeds per (seed, epoch); the constant keeps small seeds and epochs apart.
        var generatorSeed = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)epoch + 1);
        using var generator = new Generator(generatorSeed);
        return randperm(count, generator: generator, dtype: ScalarType.Int64);
    }

    /// <summary>First 16 hex digits of the SHA-256 of a permutation's bytes.</summary>
    public static string Hash(Tensor permutation)
    {
        using var scope = NewDisposeScope();
        var cpu = permutation.cpu().contiguous();
        return Convert.ToHexStringLower(SHA256.HashData(cpu.bytes))[..16];
    }
}
