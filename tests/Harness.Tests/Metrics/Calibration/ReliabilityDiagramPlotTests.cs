using Harness.Metrics.Calibration;
using Harness.Reporting;
using ScottPlot;
using Xunit;

// Not Harness.Tests.Metrics: that namespace would hide Harness.Metrics from tests that write Metrics.EpochMetrics.
namespace Harness.Tests.Calibration;

/// <summary>The reliability diagram renders, with samples and without.</summary>
public class ReliabilityDiagramPlotTests
{
    static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public void DrawingBinsGivesAPng()
    {
        var acc = new CalibrationAccumulator();
        acc.Add([Math.Log(3), 0, Math.Log(3), 0, 0, Math.Log(9), 2, 0], [0, 1, 1, 1], 2);
        var png = ReliabilityDiagramPlot.Draw("reliability", acc.Compute().Reliability).GetImageBytes(640, 480, ImageFormat.Png);
        Assert.True(png.Length > 1000);
        Assert.Equal(PngSignature, png.Take(8));
    }

    [Fact]
    public void DrawingEmptyBinsStillGivesAPng()
    {
        var png = ReliabilityDiagramPlot.Draw("nothing yet", new CalibrationAccumulator().Compute().Reliability)
            .GetImageBytes(640, 480, ImageFormat.Png);
        Assert.Equal(PngSignature, png.Take(8));
    }
}
