namespace Causeway.Privacy.BigIntegers;

/// <summary>
/// <see cref="IMultiExponentiation"/> on GMP: the bases are imported once as <c>mpz_t</c> and every bucket,
/// running product and accumulator stays in GMP's form, so each step is one <c>mpz_mul</c> and one <c>mpz_mod</c>
/// with no conversion or allocation; one export per call.
/// </summary>
internal sealed unsafe class GmpMultiExponentiation : IMultiExponentiation
{
    private readonly GmpIntegerArray _bases;
    private readonly GmpIntegerArray _inverseProductPowers = new(64);
    private readonly GmpInteger _modulus;

    public GmpMultiExponentiation(IReadOnlyList<ReadOnlyMemory<byte>> bases, ReadOnlySpan<byte> modulus)
    {
        ArgumentOutOfRangeException.ThrowIfZero(bases.Count, nameof(bases));
        _modulus = new GmpInteger(modulus);
        _bases = new GmpIntegerArray(bases.Count);
        GmpNative.Mpz product, scratch;
        GmpNative.Init(&product);
        GmpNative.Init(&scratch);
        try
        {
            GmpNative.SetUInt(&product, 1);
            for (var i = 0; i < bases.Count; i++)
            {
                GmpInteger.Import(_bases[i], bases[i].Span);
                MultiplyMod(&scratch, &product, _bases[i], &product);
            }

            if (GmpNative.Invert(_inverseProductPowers[0], &product, _modulus.Pointer) == 0)
            {
                throw new ArgumentException("A base is not invertible modulo m.", nameof(bases));
            }

            for (var t = 1; t < 64; t++)
            {
                MultiplyMod(&scratch, _inverseProductPowers[t - 1], _inverseProductPowers[t - 1], _inverseProductPowers[t]);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
        finally
        {
            GmpInteger.WipeAndClear(&product);
            GmpInteger.WipeAndClear(&scratch);
        }
    }

    public int Count => _bases.Count;

    public void Compute(ReadOnlySpan<long> exponents, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(exponents.Length, Count, nameof(exponents));
        if (MultiExponentiationPlan.For(exponents, Count) is not { } plan)
        {
            destination.Clear();
            destination[^1] = 1;
            return;
        }

        var bucketCount = 1 << plan.Window;
        var digitMask = (1UL << plan.Window) - 1;
        var filled = new bool[bucketCount];
        var basesHeld = false;
        var powersHeld = false;
        var modulusHeld = false;
        using var buckets = new GmpIntegerArray(bucketCount);
        GmpNative.Mpz accumulator, running, total, scratch;
        GmpNative.Init(&accumulator);
        GmpNative.Init(&running);
        GmpNative.Init(&total);
        GmpNative.Init(&scratch);
        try
        {
            _bases.DangerousAddRef(ref basesHeld);
            _inverseProductPowers.DangerousAddRef(ref powersHeld);
            _modulus.DangerousAddRef(ref modulusHeld);
            var started = false;
            for (var position = plan.Positions - 1; position >= 0; position--)
            {
                for (var s = 0; started && s < plan.Window; s++)
                {
                    MultiplyMod(&scratch, &accumulator, &accumulator, &accumulator);
                }

                Array.Clear(filled);
                var shift = position * plan.Window;
                for (var i = 0; i < exponents.Length; i++)
                {
                    var digit = (int)((plan.Offset(exponents[i]) >> shift) & digitMask);
                    if (digit == 0)
                    {
                        continue;
                    }

                    if (filled[digit])
                    {
                        MultiplyMod(&scratch, buckets[digit], _bases[i], buckets[digit]);
                    }
                    else
                    {
                        GmpNative.Set(buckets[digit], _bases[i]);
                        filled[digit] = true;
                    }
                }

                // Π_d B_d^d = Π_d running_d with running_d = Π_{e ≥ d} B_e.
                var hasRunning = false;
                var hasTotal = false;
                for (var d = bucketCount - 1; d >= 1; d--)
                {
                    if (filled[d])
                    {
                        Fold(&scratch, &running, buckets[d], ref hasRunning);
                    }

                    if (hasRunning)
                    {
                        Fold(&scratch, &total, &running, ref hasTotal);
                    }
                }

                if (hasTotal)
                {
                    Fold(&scratch, &accumulator, &total, ref started);
                }
            }

            MultiplyMod(&scratch, &accumulator, _inverseProductPowers[plan.OffsetBits], &accumulator);
            GmpInteger.Export(&accumulator, destination);
        }
        finally
        {
            GmpInteger.WipeAndClear(&accumulator);
            GmpInteger.WipeAndClear(&running);
            GmpInteger.WipeAndClear(&total);
            GmpInteger.WipeAndClear(&scratch);
            if (basesHeld)
            {
                _bases.DangerousRelease();
            }

            if (powersHeld)
            {
                _inverseProductPowers.DangerousRelease();
            }

            if (modulusHeld)
            {
                _modulus.DangerousRelease();
            }
        }
    }

    public void Dispose()
    {
        _bases?.Dispose();
        _inverseProductPowers.Dispose();
        _modulus?.Dispose();
    }

    /// <summary>target = target·value mod m, or target = value when <paramref name="has"/> is false (then set).</summary>
    private void Fold(GmpNative.Mpz* scratch, GmpNative.Mpz* target, GmpNative.Mpz* value, ref bool has)
    {
        if (has)
        {
            MultiplyMod(scratch, target, value, target);
        }
        else
        {
            GmpNative.Set(target, value);
            has = true;
        }
    }

    /// <summary>destination = left·right mod m through <paramref name="product"/> (destination may alias either).</summary>
    private void MultiplyMod(GmpNative.Mpz* product, GmpNative.Mpz* left, GmpNative.Mpz* right, GmpNative.Mpz* destination)
    {
        GmpNative.Multiply(product, left, right);
        GmpNative.Mod(destination, product, _modulus.Pointer);
    }
}
