namespace Loggia.Query.Execution;

/// <summary>
/// A compiled line filter over the raw UTF-8 bytes of a line. Implementations must never throw on invalid
/// UTF-8 and must not allocate per call.
/// </summary>
internal abstract class LinePredicate
{
    public abstract bool Matches(ReadOnlySpan<byte> line);

    /// <summary>Every line matches (Loki's TrueFilter, e.g. <c>|= ""</c> or <c>|~ ".*"</c>).</summary>
    public static LinePredicate True { get; } = new ConstantPredicate(true);

    /// <summary>No line matches (<c>!= ""</c>).</summary>
    public static LinePredicate False { get; } = new ConstantPredicate(false);

    /// <summary>Non-empty lines (Loki simplifies <c>|~ ".+"</c> to this).</summary>
    public static LinePredicate NonEmpty { get; } = new NonEmptyPredicate();

    public static LinePredicate Not(LinePredicate inner) =>
        ReferenceEquals(inner, True) ? False : ReferenceEquals(inner, False) ? True : new NotPredicate(inner);

    public static LinePredicate Or(IReadOnlyList<LinePredicate> anyOf)
    {
        for (var i = 0; i < anyOf.Count; i++)
        {
            if (ReferenceEquals(anyOf[i], True))
            {
                return True;
            }
        }
        return anyOf.Count == 1 ? anyOf[0] : new OrPredicate([.. anyOf]);
    }

    public static LinePredicate And(IReadOnlyList<LinePredicate> allOf)
    {
        var kept = new List<LinePredicate>(allOf.Count);
        foreach (var p in allOf)
        {
            if (!ReferenceEquals(p, True))
            {
                kept.Add(p);
            }
        }
        // Cheap literal filters first, regexes last: order does not change the result, only the cost.
        kept.Sort(static (a, b) => a.Cost.CompareTo(b.Cost));
        return kept.Count switch
        {
            0 => True,
            1 => kept[0],
            _ => new AndPredicate([.. kept]),
        };
    }

    /// <summary>Relative cost, used to order AND chains (lower runs first).</summary>
    public virtual int Cost => 1;

    private sealed class ConstantPredicate(bool result) : LinePredicate
    {
        public override bool Matches(ReadOnlySpan<byte> line) => result;

        public override int Cost => 0;
    }

    private sealed class NonEmptyPredicate : LinePredicate
    {
        public override bool Matches(ReadOnlySpan<byte> line) => !line.IsEmpty;

        public override int Cost => 0;
    }

    private sealed class NotPredicate(LinePredicate inner) : LinePredicate
    {
        public override bool Matches(ReadOnlySpan<byte> line) => !inner.Matches(line);

        public override int Cost => inner.Cost;
    }

    private sealed class OrPredicate(LinePredicate[] anyOf) : LinePredicate
    {
        public override bool Matches(ReadOnlySpan<byte> line)
        {
            foreach (var p in anyOf)
            {
                if (p.Matches(line))
                {
                    return true;
                }
            }
            return false;
        }

        public override int Cost
        {
            get
            {
                var max = 0;
                foreach (var p in anyOf)
                {
                    max = Math.Max(max, p.Cost);
                }
                return max;
            }
        }
    }

    private sealed class AndPredicate(LinePredicate[] allOf) : LinePredicate
    {
        public override bool Matches(ReadOnlySpan<byte> line)
        {
            foreach (var p in allOf)
            {
                if (!p.Matches(line))
                {
                    return false;
                }
            }
            return true;
        }

        public override int Cost => allOf[^1].Cost;
    }
}
