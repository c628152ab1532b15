using static TorchSharp.torch;

namespace Harness.Cli;

/// <summary>Turns --device cpu|cuda|auto into a torch device, refusing CUDA where there is none.</summary>
public static class DeviceOption
{
    /// <summary>The accepted values.</summary>
    public static readonly string[] Values = [.. Config.ConfigVocabulary.Devices];

    /// <summary>Resolves the device; <paramref name="notice"/> receives a line when auto falls back to the CPU.</summary>
    public static Device Resolve(string value, Action<string>? notice = null)
    {
        switch (value.Trim().ToLowerInvariant())
        {
            case "cpu":
                return CPU;
            case "cuda":
                if (!cuda.is_available())
                    throw new UsageException("--device cuda: CUDA is not available here (this build uses the " +
                        "TorchSharp-cpu runtime or no GPU is visible). Use --device cpu, or build with -p:TorchBackend=cuda on a machine with an NVIDIA GPU.");
                return CUDA;
            case "auto":
                if (cuda.is_available()) return CUDA;
                notice?.Invoke("CUDA is not available; running on the CPU.");
                return CPU;
            default:
                throw new UsageException($"--device '{value}' is not valid: use cpu, cuda or auto.");
        }
    }
}
