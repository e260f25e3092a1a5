namespace Causeway.Federation.Configuration;

/// <summary>How a simulation splits one dataset into parties (<c>"partition.scheme"</c>).</summary>
public enum PartitionScheme
{
    /// <summary>Rows shuffled and dealt out evenly (<c>"iid"</c>). The default.</summary>
    Iid,

    /// <summary>Label skew: each class's rows split by Dirichlet(alpha) proportions (<c>"dirichlet"</c>).</summary>
    Dirichlet,

    /// <summary>Quantity skew: party sizes drawn from Dirichlet(alpha) (<c>"quantity"</c>).</summary>
    Quantity,

    /// <summary>One party per distinct value of a column, such as a site id (<c>"column"</c>).</summary>
    Column,
}
