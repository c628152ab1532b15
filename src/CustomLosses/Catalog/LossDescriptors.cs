namespace CustomLosses.Catalog;

/// <summary>The learning problem a loss is made for.</summary>
public enum LossTask
{
    /// <summary>Real-valued targets.</summary>
    Regression,
    /// <summary>One class out of C.</summary>
    MultiClass,
    /// <summary>Two classes, or several independent yes/no labels.</summary>
    BinaryOrMultiLabel,
    /// <summary>Pairs or triplets of embeddings, or ranking pairs.</summary>
    Embedding,
}

/// <summary>What the model must emit for the loss to make sense.</summary>
public enum ModelOutput
{
    /// <summary>Unnormalized scores (no activation).</summary>
    Logits,
    /// <summary>Probabilities (after sigmoid or softmax).</summary>
    Probabilities,
    /// <summary>Log-probabilities (after log-softmax).</summary>
    LogProbabilities,
    /// <summary>Real values (regression outputs, log-rates, means).</summary>
    RealValues,
    /// <summary>Embedding vectors or scalar scores compared in pairs.</summary>
    Embeddings,
}

/// <summary>How targets are encoded.</summary>
public enum TargetEncoding
{
    /// <summary>Integer class index per sample, shape [N] (int64).</summary>
    ClassIndex,
    /// <summary>Class index per sample, or a probability distribution over classes per sample.</summary>
    ClassIndexOrProbabilities,
    /// <summary>A probability distribution (or one-hot vector) per sample, shape [N, C].</summary>
    Probabilities,
    /// <summary>Values in {0, 1} (or in [0, 1]) per element.</summary>
    ZeroOne,
    /// <summary>Values in {-1, +1} per element.</summary>
    PlusMinusOne,
    /// <summary>Real values.</summary>
    Real,
    /// <summary>Non-negative counts.</summary>
    Counts,
    /// <summary>Class indices per sample padded with -1, shape [N, C] (MultiLabelMargin).</summary>
    ClassIndexList,
}
