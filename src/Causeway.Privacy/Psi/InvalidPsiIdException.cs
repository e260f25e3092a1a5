namespace Causeway.Privacy.Psi;

/// <summary>An input ID that cannot take part in PSI (empty, too long, not valid UTF-16); names its row.</summary>
public sealed class InvalidPsiIdException : FormatException
{
    public InvalidPsiIdException()
    {
    }

    public InvalidPsiIdException(string message)
        : base(message)
    {
    }

    public InvalidPsiIdException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InvalidPsiIdException(long row, string reason)
        : base($"ID at row {row} is {reason}.") => Row = row;

    /// <summary>The zero-based row of the offending ID in the party's input.</summary>
    public long Row { get; } = -1;
}
