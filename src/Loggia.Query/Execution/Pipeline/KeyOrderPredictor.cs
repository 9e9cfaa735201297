namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// Remembers the keys of the previous line in order, with their parsed names. Lines of one application almost
/// always repeat the same keys in the same order, so comparing a key with the one seen at the same position is
/// cheaper than building its name and hashing it. A prediction holds only while every key of the line so far
/// matched (then nested keys share the same prefix too); after the first miss the parser uses its caches and the
/// rest of the line is learnt for the next one. Entering and leaving nested objects are part of the sequence, so
/// <c>{"o":{"x":1},"y":2}</c> and <c>{"o":{"x":1,"y":2}}</c> do not predict each other's <c>y</c>.
/// </summary>
internal sealed class KeyOrderPredictor
{
    /// <summary>Lines with more keys than this are predicted for their first keys only.</summary>
    private const int MaxKeys = 64;

    /// <summary>Longer keys are not remembered.</summary>
    private const int MaxKeyLength = 128;

    private readonly byte[][] _keys = new byte[MaxKeys][];
    private readonly int[] _lengths = new int[MaxKeys];
    private readonly ParsedName?[] _names = new ParsedName?[MaxKeys];
    private readonly Step[] _steps = new Step[MaxKeys];
    private int _known;
    private int _position;
    private bool _matching;

    public KeyOrderPredictor()
    {
        for (var i = 0; i < MaxKeys; i++)
        {
            _keys[i] = new byte[16];
        }
    }

    /// <summary>Starts a new line: predictions restart at the first key.</summary>
    public void StartLine()
    {
        _position = 0;
        _matching = true;
    }

    /// <summary>
    /// Whether the line's keys so far and <paramref name="key"/> are those of the remembered line, giving the name
    /// remembered for it; advances. On false, call <see cref="Learn(ReadOnlySpan{byte}, ParsedName?)"/> with the name found another way.
    /// </summary>
    public bool TryNext(ReadOnlySpan<byte> key, out ParsedName? name) => TryNext(Step.Leaf, key, out name);

    /// <summary>Remembers <paramref name="key"/> and its name at the current position (after a failed <see cref="TryNext(ReadOnlySpan{byte}, out ParsedName?)"/>) and advances.</summary>
    public void Learn(ReadOnlySpan<byte> key, ParsedName? name) => Learn(Step.Leaf, key, name);

    /// <summary>The parser enters the nested object of <paramref name="key"/>.</summary>
    public void Enter(ReadOnlySpan<byte> key)
    {
        if (!TryNext(Step.Enter, key, out _))
        {
            Learn(Step.Enter, key, null);
        }
    }

    /// <summary>The parser leaves a nested object.</summary>
    public void Leave()
    {
        if (!TryNext(Step.Leave, default, out _))
        {
            Learn(Step.Leave, default, null);
        }
    }

    private bool TryNext(Step step, ReadOnlySpan<byte> key, out ParsedName? name)
    {
        var i = _position;
        if (_matching && i < _known && _steps[i] == step && key.SequenceEqual(_keys[i].AsSpan(0, _lengths[i])))
        {
            name = _names[i];
            _position = i + 1;
            return true;
        }
        _matching = false;
        name = null;
        return false;
    }

    private void Learn(Step step, ReadOnlySpan<byte> key, ParsedName? name)
    {
        var i = _position;
        if (i >= MaxKeys || key.Length > MaxKeyLength)
        {
            // Nothing after this position can be predicted: the next lines fall back to the caches there.
            _known = Math.Min(_known, i);
            _position = MaxKeys;
            return;
        }
        if (_keys[i].Length < key.Length)
        {
            _keys[i] = new byte[Math.Max(key.Length, 2 * _keys[i].Length)];
        }
        key.CopyTo(_keys[i]);
        _lengths[i] = key.Length;
        _names[i] = name;
        _steps[i] = step;
        _position = i + 1;
        // What was remembered after this position followed a different key: keep it only as far as this line goes.
        _known = _position;
    }

    private enum Step : byte
    {
        Leaf,
        Enter,
        Leave,
    }
}
