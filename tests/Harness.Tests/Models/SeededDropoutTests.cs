using Harness.Models;
using Harness.Tests.Experiments;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Models;

/// <summary>
/// Dropout from a run's own generator is libtorch's dropout from the global one, bit for bit (values and gradients), so
/// results trained before it came are reproduced; and runs that interleave their draws each get the masks they get alone.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class SeededDropoutTests
{
    static Tensor Input(long seed)
    {
        using var g = new Generator((ulong)seed);
        return randn([64, 37], generator: g).requires_grad_();
    }

    static (float[] Output, float[] Gradient) Apply(nn.Module<Tensor, Tensor> dropout, Tensor input)
    {
        using var scope = NewDisposeScope();
        input.grad?.zero_();
        var output = dropout.call(input);
        output.mul(output).sum().backward();
        return (output.data<float>().ToArray(), input.grad!.data<float>().ToArray());
    }

    [Theory]
    [InlineData(0.1, 7)]
    [InlineData(0.5, 12345)]
    public void A_run_generator_draws_the_masks_the_global_generator_gives_after_manual_seed(double p, long seed)
    {
        using var x = Input(1);
        using var builtIn = nn.Dropout(p);
        manual_seed(seed);
        var expected = new[] { Apply(builtIn, x), Apply(builtIn, x) };

        using var seeded = new SeededDropout(p);
        using var generator = new Generator((ulong)seed);
        seeded.Generator = generator;
        manual_seed(seed + 1);   // the global generator must play no part
        var actual = new[] { Apply(seeded, x), Apply(seeded, x) };

        for (int call = 0; call < 2; call++)
        {
            Assert.Equal(expected[call].Output, actual[call].Output);
            Assert.Equal(expected[call].Gradient, actual[call].Gradient);
        }
        Assert.NotEqual(actual[0].Output, actual[1].Output);
    }

    [Fact]
    public void Two_runs_that_interleave_their_draws_each_get_their_own_masks()
    {
        using var x = Input(2);
        float[] Alone(ulong seed, int calls)
        {
            using var d = new SeededDropout(0.3);
            using var g = new Generator(seed);
            d.Generator = g;
            float[] last = [];
            for (int i = 0; i < calls; i++) last = Apply(d, x).Output;
            return last;
        }
        using var a = new SeededDropout(0.3);
        using var b = new SeededDropout(0.3);
        using var ga = new Generator(3);
        using var gb = new Generator(4);
        (a.Generator, b.Generator) = (ga, gb);
        float[] lastA = [], lastB = [];
        for (int i = 0; i < 3; i++)
        {
            lastA = Apply(a, x).Output;
            lastB = Apply(b, x).Output;
        }
        Assert.Equal(Alone(3, 3), lastA);
        Assert.Equal(Alone(4, 3), lastB);
    }

    [Fact]
    public void In_evaluation_it_passes_the_input_through()
    {
        using var x = Input(3);
        using var d = new SeededDropout(0.5);
        using var g = new Generator(1);
        d.Generator = g;
        d.eval();
        using var y = d.call(x);
        Assert.Equal(x.data<float>().ToArray(), y.data<float>().ToArray());
    }
}
