using Harness.Data;
using Harness.Models;
using Harness.Training;
using static TorchSharp.torch;

namespace Harness.Experiments;

/// <summary>
/// What the runs of one seed share while they train, possibly on several threads at once: the seed's data on the
/// device, and one initial network per head size that every loss and rate with that head starts from, bit for bit.
/// Built by the first of the seed's runs to need it and freed after the last, so at most the seeds being trained are in
/// memory.
/// </summary>
sealed class SeedRunSets(SeedData data, Device device, IEnumerable<int> runSeeds) : IDisposable
{
    readonly Dictionary<int, Entry> entries = runSeeds.GroupBy(s => s).ToDictionary(g => g.Key, g => new Entry(g.Count()));

    /// <summary>
    /// The shared state of <paramref name="seed"/> for one of its runs (built now if it is the first); dispose the
    /// returned lease when the run ends.
    /// </summary>
    public Lease Enter(int seed)
    {
        var entry = entries[seed];
        lock (entry)
        {
            if (entry.Device == null)
            {
                (entry.Data, entry.OwnsData) = data.Open(seed);
                entry.Device = new DeviceData(entry.Data, device, TrainingAccelerators.Instance);
            }
            return new Lease(this, entry);
        }
    }

    void Leave(Entry entry)
    {
        lock (entry)
        {
            if (--entry.Remaining > 0) return;
            entry.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var entry in entries.Values)
            lock (entry) entry.Release();
    }

    /// <summary>One seed's shared state, held by one of its runs.</summary>
    public sealed class Lease : IDisposable
    {
        readonly SeedRunSets owner;
        readonly Entry entry;
        bool left;

        internal Lease(SeedRunSets owner, Entry entry) => (this.owner, this.entry) = (owner, entry);

        /// <summary>The seed's prepared data (host).</summary>
        public PreparedData Data => entry.Data!;

        /// <summary>The seed's data on the training device.</summary>
        public DeviceData Device => entry.Device!;

        /// <summary>
        /// Gives <paramref name="model"/> the seed's initial weights for its head size: the first model built for that
        /// head is the one every later one copies.
        /// </summary>
        public void UseInitialWeights(nn.Module model, int outputs)
        {
            lock (entry)
            {
                if (!entry.Snapshots.TryGetValue(outputs, out var snapshot))
                    entry.Snapshots[outputs] = WeightSnapshot.Take(model);
                else
                    snapshot.LoadInto(model);
            }
        }

        /// <inheritdoc />
        public void Dispose()
        {
            if (left) return;
            left = true;
            owner.Leave(entry);
        }
    }

    internal sealed class Entry(int runs)
    {
        public int Remaining = runs;
        public PreparedData? Data;
        public bool OwnsData;
        public DeviceData? Device;
        public readonly Dictionary<int, WeightSnapshot> Snapshots = [];

        public void Release()
        {
            foreach (var s in Snapshots.Values) s.Dispose();
            Snapshots.Clear();
            Device?.Dispose();
            Device = null;
            if (OwnsData) Data?.Dispose();
            Data = null;
        }
    }
}
