using System.Numerics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harness.Acceleration;

/// <summary>
/// TorchSharp's <c>Adam</c> or <c>AdamW</c> step over one flat float32 CPU parameter (<see cref="ContiguousParameters.Flat"/>),
/// done as two SIMD passes around libtorch's <c>sqrt</c> instead of eight libtorch kernels, with the same result bit for
/// bit and the same optimizer state (moments and step count live in the optimizer, so checkpoints, learning-rate
/// schedules and <c>load_state_dict</c> work unchanged).
/// </summary>
/// <remarks>
/// <para>Why: the step TorchSharp's Adam takes over the flat buffer is eight kernels (<c>mul_</c>, <c>add_</c>, <c>mul_</c>,
/// <c>addcmul_</c>, <c>sqrt</c>, <c>div</c>, <c>add_</c>, <c>addcdiv_</c>) that each stream the whole buffer, two of them
/// into fresh allocations. On the Fashion-MNIST MLP (235,000 parameters, 2 threads) that was 310-610 us of a 1.8-2.1 ms
/// training step; this step took 230-270 us, paired step by step in one process.</para>
/// <para>How it stays identical: pass 1 updates the moments (<c>m = fma(g, 1 - b1, m b1)</c>,
/// <c>v = fma((1 - b2) g, g, v b2)</c>: libtorch's vector kernels are compiled with floating-point contraction, so its
/// <c>add_(alpha)</c> and <c>addcmul_</c> round as one fused multiply-add), libtorch takes the square root of v (its vector
/// sqrt is not correctly rounded, 17% of results differ by an ulp from IEEE sqrt, so it is not re-implemented), and pass 2
/// applies <c>p + (-lr / bc1) m / (sqrt(v) / sqrt(bc2) + eps)</c> in libtorch's operation order. Every constant is rounded
/// to float32 the way libtorch rounds a double scalar. Because this rests on how one libtorch build rounds, every
/// instance proves it first: <see cref="TryCreate"/> steps a probe buffer with TorchSharp's optimizer and with these
/// passes, three steps of the optimizer's own options, and returns null (use <c>optimizer.step()</c>) unless every bit
/// agrees.</para>
/// <para>Not covered (null, or TorchSharp's step for that call): amsgrad, maximize, several parameter groups or
/// parameters, float64, non-CPU tensors, CPUs without SIMD fused multiply-add, and options changed since the probe
/// (other than the learning rate, which every step reads).</para>
/// </remarks>
public sealed unsafe class FusedAdamStep
{
    /// <summary>Probe length: odd (a scalar tail) and over twice libtorch's 32,768-element grain, so its kernels split across threads.</summary>
    const int ProbeLength = 3 * 32768 + 5;

    readonly optim.Optimizer optimizer;
    readonly AdamView view;
    readonly AdamOptions probed;

    FusedAdamStep(optim.Optimizer optimizer, AdamView view, AdamOptions probed)
    {
        this.optimizer = optimizer;
        this.view = view;
        this.probed = probed;
    }

    /// <summary>
    /// A fused step for <paramref name="optimizer"/> when it is TorchSharp's Adam or AdamW over exactly
    /// <paramref name="flat"/> and the probe steps agree bit for bit with it; otherwise null.
    /// </summary>
    public static FusedAdamStep? TryCreate(optim.Optimizer optimizer, Parameter flat)
    {
        if (!Vector.IsHardwareAccelerated || !(Fma.IsSupported || AdvSimd.IsSupported)) return null;
        if (flat.dtype != ScalarType.Float32 || flat.device_type != DeviceType.CPU || !flat.is_contiguous()) return null;
        if ((long)flat.numel() * sizeof(float) > int.MaxValue) return null;   // TorchSharp's byte spans stop at 2 GB
        var view = AdamView.Of(optimizer, flat);
        if (view is null || !view.Options.Supported) return null;
        return ProvenOnce(view.Options) ? new FusedAdamStep(optimizer, view, view.Options) : null;
    }

    /// <summary>Probe outcomes by options and torch thread count: a process proves each once.</summary>
    static readonly Dictionary<(AdamOptions Options, int Threads), bool> Proven = [];
    static readonly Lock ProbeLock = new();

    /// <summary>
    /// The probe's outcome for <paramref name="options"/>, proved once per process and at most one probe at a time.
    /// Why once and without garbage collections: the probe steps TorchSharp's own optimizer, which passes libtorch
    /// temporary Scalars, and a collection started by another thread (runs training at once, --jobs) can finalize
    /// one while libtorch reads it (<see cref="NoCollection"/>). So the probe runs in a no-GC region, and a grid
    /// proves each option set once instead of once per run.
    /// </summary>
    static bool ProvenOnce(AdamOptions options)
    {
        lock (ProbeLock)
        {
            var key = (options, get_num_threads());
            if (Proven.TryGetValue(key, out var proven)) return proven;
            using var noCollections = NoCollection.Start();
            return Proven[key] = Probe(options);
        }
    }

    /// <summary>One optimizer step: the fused passes, or TorchSharp's own step when the options have left what was probed.</summary>
    public void Step()
    {
        var options = view.Options;
        using var gradient = view.Parameter.grad;   // a fresh handle on the gradient, not the gradient itself
        if (!options.SameArithmetic(probed) || gradient is null)
        {
            optimizer.step();
            return;
        }
        view.Step += 1;
        using var noGrad = no_grad();
        Apply(view.Parameter, gradient, view.ExpAvg, view.ExpAvgSq, view.Step, options);
    }

    static void Apply(Tensor parameter, Tensor gradient, Tensor expAvg, Tensor expAvgSq, long step, AdamOptions o)
    {
        double bc1 = 1 - Math.Pow(o.Beta1, step), bc2 = 1 - Math.Pow(o.Beta2, step);
        var k = new Constants
        {
            Beta1 = (float)o.Beta1, OneMinusBeta1 = (float)(1 - o.Beta1), Beta2 = (float)o.Beta2, OneMinusBeta2 = (float)(1 - o.Beta2),
            // Adam folds weight decay into the gradient; AdamW decays the parameter by (1 - lr wd) before the update.
            GradientDecay = o.Decoupled ? 0f : (float)o.WeightDecay,
            ParameterDecay = o.Decoupled && o.WeightDecay != 0 ? (float)(1 - o.LearningRate * o.WeightDecay) : 1f,
            SqrtBc2 = (float)Math.Sqrt(bc2), Eps = (float)o.Eps, NegStepSize = (float)(-(o.LearningRate / bc1)),
        };
        long count = parameter.numel();
        fixed (byte* p = parameter.bytes, g = gradient.bytes, m = expAvg.bytes, v = expAvgSq.bytes)
        {
            Moments((float*)p, (float*)g, (float*)m, (float*)v, count, k);
            using var root = expAvgSq.sqrt();
            fixed (byte* r = root.bytes) Update((float*)p, (float*)m, (float*)r, count, k);
        }
    }

    /// <summary>The step's constants, rounded to float32 as libtorch rounds double scalars.</summary>
    struct Constants
    {
        public float Beta1, OneMinusBeta1, Beta2, OneMinusBeta2, GradientDecay, ParameterDecay, SqrtBc2, Eps, NegStepSize;
    }

    /// <summary>Pass 1: AdamW's parameter decay, Adam's gradient decay, both moments.</summary>
    static void Moments(float* p, float* g, float* m, float* v, long count, Constants k)
    {
        var b1 = new Vector<float>(k.Beta1); var a1 = new Vector<float>(k.OneMinusBeta1);
        var b2 = new Vector<float>(k.Beta2); var a2 = new Vector<float>(k.OneMinusBeta2);
        var wd = new Vector<float>(k.GradientDecay); var decay = new Vector<float>(k.ParameterDecay);
        bool gradientDecay = k.GradientDecay != 0, parameterDecay = k.ParameterDecay != 1f;
        long i = 0;
        for (; i + Vector<float>.Count <= count; i += Vector<float>.Count)
        {
            var gi = Vector.Load(g + i);
            if (gradientDecay) gi = Vector.FusedMultiplyAdd(Vector.Load(p + i), wd, gi);   // grad.add(param, alpha: wd)
            if (parameterDecay) Vector.Store(Vector.Load(p + i) * decay, p + i);             // param.mul_(1 - lr wd)
            Vector.Store(Vector.FusedMultiplyAdd(gi, a1, Vector.Load(m + i) * b1), m + i);
            Vector.Store(Vector.FusedMultiplyAdd(a2 * gi, gi, Vector.Load(v + i) * b2), v + i);
        }
        for (; i < count; i++)
        {
            float gi = g[i];
            if (gradientDecay) gi = MathF.FusedMultiplyAdd(p[i], k.GradientDecay, gi);
            if (parameterDecay) p[i] *= k.ParameterDecay;
            m[i] = MathF.FusedMultiplyAdd(gi, k.OneMinusBeta1, m[i] * k.Beta1);
            v[i] = MathF.FusedMultiplyAdd(k.OneMinusBeta2 * gi, gi, v[i] * k.Beta2);
        }
    }

    /// <summary>Pass 2: <c>p += (-lr / bc1) m / (sqrt(v) / sqrt(bc2) + eps)</c>, in libtorch's order of operations.</summary>
    static void Update(float* p, float* m, float* root, long count, Constants k)
    {
        var c2 = new Vector<float>(k.SqrtBc2); var eps = new Vector<float>(k.Eps); var step = new Vector<float>(k.NegStepSize);
        long i = 0;
        for (; i + Vector<float>.Count <= count; i += Vector<float>.Count)
        {
            var denominator = Vector.Load(root + i) / c2 + eps;
            Vector.Store(Vector.Load(p + i) + step * Vector.Load(m + i) / denominator, p + i);
        }
        for (; i < count; i++)
        {
            float denominator = root[i] / k.SqrtBc2 + k.Eps;
            p[i] = p[i] + k.NegStepSize * m[i] / denominator;
        }
    }

    /// <summary>Three steps of a probe buffer through TorchSharp's optimizer and through the passes: true when every bit agrees.</summary>
    static bool Probe(AdamOptions options)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var generator = new Generator(20261202);
        var start = randn([ProbeLength], generator: generator).mul_(CachedProbeScale);
        using var reference = new Parameter(start.clone(), requires_grad: true);
        using var fused = new Parameter(start.clone(), requires_grad: true);
        using var referenceOptimizer = options.Decoupled
            ? (optim.Optimizer)optim.AdamW([reference], options.LearningRate, options.Beta1, options.Beta2, options.Eps, options.WeightDecay)
            : optim.Adam([reference], options.LearningRate, options.Beta1, options.Beta2, options.Eps, options.WeightDecay);
        using var fusedOptimizer = options.Decoupled
            ? (optim.Optimizer)optim.AdamW([fused], options.LearningRate, options.Beta1, options.Beta2, options.Eps, options.WeightDecay)
            : optim.Adam([fused], options.LearningRate, options.Beta1, options.Beta2, options.Eps, options.WeightDecay);
        var view = AdamView.Of(fusedOptimizer, fused)!;
        var step = new FusedAdamStep(fusedOptimizer, view, options);
        for (int s = 0; s < 3; s++)
        {
            // Gradients over many magnitudes, zeros among them, so both moments and the eps term are exercised.
            var g = randn([ProbeLength], generator: generator)
                .mul_(rand([ProbeLength], generator: generator).mul_(CachedExponentRange).sub_(CachedExponentShift).exp_());
            g.masked_fill_(rand([ProbeLength], generator: generator).lt(CachedZeroFraction), CachedZero);
            reference.grad = g.clone();
            fused.grad = g.clone();
            referenceOptimizer.step();
            step.Step();
        }
        var referenceView = AdamView.Of(referenceOptimizer, reference)!;
        return referenceView.Step == view.Step
               && Identical(reference, fused) && Identical(referenceView.ExpAvg, view.ExpAvg) && Identical(referenceView.ExpAvgSq, view.ExpAvgSq);
    }

    static readonly Scalar CachedProbeScale = 0.05, CachedExponentRange = 20.0, CachedExponentShift = 17.0, CachedZeroFraction = 0.05, CachedZero = 0f;

    /// <summary>Bitwise equality of two contiguous CPU tensors (so -0 differs from 0, and NaNs compare by payload).</summary>
    static bool Identical(Tensor a, Tensor b) => a.bytes.SequenceEqual(b.bytes);

    /// <summary>The options that decide a step's arithmetic, read from the optimizer's only parameter group.</summary>
    readonly record struct AdamOptions(
        bool Decoupled, double LearningRate, double Beta1, double Beta2, double Eps, double WeightDecay, bool AmsGrad, bool Maximize)
    {
        public bool Supported => !AmsGrad && !Maximize;

        /// <summary>Everything but the learning rate (a schedule changes it every epoch; it only scales the update).</summary>
        public bool SameArithmetic(AdamOptions other) => Supported && this with { LearningRate = 0 } == other with { LearningRate = 0 };
    }

    /// <summary>Adam's or AdamW's state and options for its single parameter, read live (a loaded state replaces the tensors).</summary>
    sealed class AdamView
    {
        readonly Adam.State? adamState;
        readonly AdamW.State? adamWState;
        readonly Adam.Options? adamOptions;
        readonly AdamW.Options? adamWOptions;

        AdamView(Parameter parameter, Adam.State? adamState, AdamW.State? adamWState, Adam.Options? adamOptions, AdamW.Options? adamWOptions)
        {
            Parameter = parameter;
            this.adamState = adamState;
            this.adamWState = adamWState;
            this.adamOptions = adamOptions;
            this.adamWOptions = adamWOptions;
        }

        public Parameter Parameter { get; }

        public static AdamView? Of(optim.Optimizer optimizer, Parameter flat)
        {
            if (optimizer is not OptimizerHelper helper) return null;
            var groups = helper.ParamGroups.ToList();
            if (groups.Count != 1 || groups[0] is not ParamGroup group) return null;
            var members = group.Parameters.ToList();
            if (members.Count != 1 || members[0].Handle != flat.Handle) return null;
            // state_dict() hands out the optimizer's live state objects (load_state_dict copies into them).
            var state = helper.state_dict().State;
            if (state.Count != 1) return null;
            return (optimizer, state[0], group.Options) switch
            {
                (Adam, Adam.State s, Adam.Options o) => new AdamView(flat, s, null, o, null),
                (AdamW, AdamW.State s, AdamW.Options o) => new AdamView(flat, null, s, null, o),
                _ => null,
            };
        }

        public long Step
        {
            get => adamState?.step ?? adamWState!.step;
            set { if (adamState != null) adamState.step = value; else adamWState!.step = value; }
        }

        public Tensor ExpAvg => adamState?.exp_avg ?? adamWState!.exp_avg;

        public Tensor ExpAvgSq => adamState?.exp_avg_sq ?? adamWState!.exp_avg_sq;

        public AdamOptions Options => adamOptions is { } a
            ? new(false, a.LearningRate!.Value, a.beta1!.Value, a.beta2!.Value, a.eps!.Value, a.weight_decay!.Value, a.amsgrad!.Value, a.maximize!.Value)
            : new(true, adamWOptions!.LearningRate!.Value, adamWOptions.beta1!.Value, adamWOptions.beta2!.Value, adamWOptions.eps!.Value,
                adamWOptions.weight_decay!.Value, adamWOptions.amsgrad!.Value, adamWOptions.maximize!.Value);
    }
}
