namespace Harness.Metrics;

/// <summary>RMSE, MAE and R^2 in the target's original units, accumulated over batches.</summary>
public sealed class RegressionMetrics
{
    double sumSquaredError, sumAbsoluteError, sumTarget, sumTargetSquared;
    long count;

    /// <summary>Adds a batch of errors (prediction - target) and targets, both in original units.</summary>
    public void Add(double sumSquared, double sumAbsolute, double targetSum, double targetSquaredSum, long n)
    {
        sumSquaredError += sumSquared;
        sumAbsoluteError += sumAbsolute;
        sumTarget += targetSum;
        sumTargetSquared += targetSquaredSum;
        count += n;
    }

    /// <summary>Root mean squared error.</summary>
    public double Rmse => count == 0 ? double.NaN : Math.Sqrt(sumSquaredError / count);

    /// <summary>Mean squared error (the regression yardstick).</summary>
    public double Mse => count == 0 ? double.NaN : sumSquaredError / count;

    /// <summary>Mean absolute error.</summary>
    public double Mae => count == 0 ? double.NaN : sumAbsoluteError / count;

    /// <summary>Coefficient of determination: 1 - SSE / total sum of squares about the mean.</summary>
    public double R2
    {
        get
        {
            if (count == 0) return double.NaN;
            var total = sumTargetSquared - sumTarget * sumTarget / count;
            return total <= 0 ? double.NaN : 1 - sumSquaredError / total;
        }
    }
}
