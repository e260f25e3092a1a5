namespace Causeway.Federation;

/// <summary>The identity of a party within one federation, e.g. "hospital-cleveland".</summary>
public readonly record struct PartyId
{
    public PartyId(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        if (value.Length > 128 || value.Any(c => char.IsControl(c)))
        {
            throw new ArgumentException("A party id is at most 128 printable characters.", nameof(value));
        }

        Value = value;
    }

    public string Value { get; }

    public override string ToString() => Value;
}
