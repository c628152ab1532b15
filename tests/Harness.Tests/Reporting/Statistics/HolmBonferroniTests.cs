using Harness.Reporting.Statistics;
using Xunit;

namespace Harness.Tests.Reporting.Statistics;

/// <summary>Holm's adjustment against values worked out by hand.</summary>
public class HolmBonferroniTests
{
    [Fact]
    public void Adjusts_step_down_with_a_running_maximum()
    {
        // Sorted 0.01, 0.03, 0.04 times 3, 2, 1: 0.03, 0.06, 0.04, and the running max lifts 0.04 to 0.06.
        var adjusted = HolmBonferroni.Adjust([0.01, 0.04, 0.03]);
        Assert.Equal(3, adjusted.Length);
        Assert.Equal(0.03, adjusted[0]!.Value, 12);
        Assert.Equal(0.06, adjusted[1]!.Value, 12);
        Assert.Equal(0.06, adjusted[2]!.Value, 12);
    }

    [Fact]
    public void Nulls_stay_null_and_do_not_count()
    {
        var adjusted = HolmBonferroni.Adjust([null, 0.01, 0.04, null, 0.03]);
        Assert.Null(adjusted[0]);
        Assert.Null(adjusted[3]);
        Assert.Equal(0.03, adjusted[1]!.Value, 12);
        Assert.Equal(0.06, adjusted[2]!.Value, 12);
        Assert.Equal(0.06, adjusted[4]!.Value, 12);
    }

    [Fact]
    public void Caps_at_one_and_keeps_the_smallest_multiplied_by_m()
    {
        // 0.02 * 3 = 0.06; 0.4 * 2 = 0.8; 0.9 * 1 = 0.9. Then 0.6 * 2 = 1.2 capped at 1, and 0.7 lifted to 1.
        var adjusted = HolmBonferroni.Adjust([0.4, 0.9, 0.02]);
        Assert.Equal([0.8, 0.9, 0.06], adjusted.Select(p => Math.Round(p!.Value, 12)));
        Assert.Equal([1.0, 1.0], HolmBonferroni.Adjust([0.6, 0.7]).Select(p => p!.Value));
    }

    [Fact]
    public void A_single_p_value_is_unchanged_and_an_empty_list_gives_an_empty_result()
    {
        Assert.Equal(0.2, HolmBonferroni.Adjust([0.2])[0]!.Value, 12);
        Assert.Empty(HolmBonferroni.Adjust([]));
    }
}
