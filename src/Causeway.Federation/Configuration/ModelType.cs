namespace Causeway.Federation.Configuration;

/// <summary>The model a run trains (<c>"model.type"</c>).</summary>
public enum ModelType
{
    /// <summary>Logistic regression: a binary classification task (<c>"logistic"</c>). The default.</summary>
    Logistic,

    /// <summary>Softmax (multinomial logistic) regression: a multiclass task (<c>"softmax"</c>).</summary>
    Softmax,

    /// <summary>Linear regression: a regression task (<c>"linear"</c>).</summary>
    Linear,

    /// <summary>A multilayer perceptron with ReLU hidden layers for any task (<c>"mlp"</c>).</summary>
    Mlp,
}
