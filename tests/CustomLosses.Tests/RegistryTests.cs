using CustomLosses.Catalog;
using Xunit;

namespace CustomLosses.Tests;

public class RegistryTests
{
    [Fact]
    public void Unknown_loss_names_the_nearest_valid_one()
    {
        var e = Assert.Throws<LossOptionException>(() => LossRegistry.Get("msee"));
        Assert.Contains("'msee'", e.Message);
        Assert.Contains("Did you mean 'mse'", e.Message);
    }
}
