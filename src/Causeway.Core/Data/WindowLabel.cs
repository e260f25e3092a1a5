namespace Causeway.Core.Data;

/// <summary>How a window's rows give the window its label (<c>"window.label"</c>).</summary>
public enum WindowLabel
{
    /// <summary>The most frequent class (the smaller class index on a tie), or the mean of a regression target (<c>"majority"</c>). The default.</summary>
    Majority,

    /// <summary>The label of the latest row (<c>"last"</c>).</summary>
    Last,
}
