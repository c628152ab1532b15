using System.Security.Cryptography;
using static TorchSharp.torch;

namespace Harness.Models;

/// <summary>
/// A detached copy of a model's parameters and buffers, so every loss of a seed starts from the same weights,
/// and a hash that proves it.
/// </summary>
public sealed class WeightSnapshot : IDisposable
{
    readonly Dictionary<string, Tensor> tensors;

    WeightSnapshot(Dictionary<string, Tensor> tensors) => this.tensors = tensors;

    /// <summary>Copies the model's state (state_dict returns live aliases, so each tensor is cloned).</summary>
    public static WeightSnapshot Take(nn.Module module) =>
        new(module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope()));

    /// <summary>Copies the snapshot into <paramref name="module"/> (in place, so existing optimizers stay valid).</summary>
    public void LoadInto(nn.Module module) => module.load_state_dict(tensors, strict: true);

    /// <summary>SHA-256 over every parameter and buffer's bytes, in name order: equal hashes mean bit-identical weights.</summary>
    public static string Hash(nn.Module module)
    {
        using var scope = NewDisposeScope();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, tensor) in module.state_dict().OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
            var cpu = tensor.detach().cpu().contiguous();
            sha.AppendData(cpu.bytes);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in tensors.Values) t.Dispose();
    }
}
