using Loggia.Core.Model;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// The labels of the entry being processed, as Loki's <c>LabelsBuilder</c> keeps them: the stream labels (the
/// base), labels added per <see cref="LabelCategory"/>, deleted names, and the error and its details. One instance
/// per processor, reset for every entry, so the steady state allocates nothing.
/// </summary>
/// <remarks>
/// Precedence follows Loki: a parsed label replaces structured metadata and stream labels of the same name,
/// structured metadata replaces stream labels, and a stream label never replaces either. Results are interned:
/// <see cref="ToResult"/> returns the same <see cref="LabelsResult"/> instance for every entry with the same
/// categorized label sets. Parsers add values as UTF-8 bytes (<see cref="SetUtf8"/>), which become strings only when
/// read (<see cref="TryGet"/>, <see cref="CollectAll"/>): a label filter that drops the entry costs no string for
/// the values it did not look at.
/// </remarks>
internal sealed class LabelsBuilder
{
    private static readonly IComparer<LabelPair> ByName = Comparer<LabelPair>.Create(
        static (a, b) => string.CompareOrdinal(a.Name, b.Name) is var c and not 0 ? c : string.CompareOrdinal(a.Value, b.Value));

    private readonly LabelSlotList[] _add = [new(), new(), new()];
    private readonly LabelValueInterner _values;
    private readonly List<string> _deleted = [];
    private readonly Dictionary<Labels, LabelsResult> _unchanged = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<int, LabelsResult> _results = [];
    private readonly LabelPairList _all = new();
    private readonly LabelPairList[] _split = [new(), new(), new()];
    private LabelPair[] _sortBuffer = new LabelPair[16];
    private Labels _base = Labels.Empty;
    private byte[] _arena = new byte[1024];
    private int _arenaLength;

    /// <summary>A builder whose pending UTF-8 values become strings through <paramref name="values"/>.</summary>
    public LabelsBuilder(LabelValueInterner values) => _values = values;

    /// <summary>The error (<c>__error__</c>), empty when none.</summary>
    public string Error { get; set; } = "";

    /// <summary>The error's details (<c>__error_details__</c>), empty when none.</summary>
    public string ErrorDetails { get; set; } = "";

    public bool HasError => Error.Length != 0;

    /// <summary>The entry's timestamp (Unix nanoseconds), set by the processor: templates read it as <c>__timestamp__</c>.</summary>
    public long TimestampNanos { get; set; }

    public Labels Base => _base;

    /// <summary>Starts a new entry of the stream <paramref name="stream"/>.</summary>
    public void Reset(Labels stream)
    {
        _base = stream;
        _deleted.Clear();
        _add[0].Clear();
        _add[1].Clear();
        _add[2].Clear();
        _arenaLength = 0;
        Error = "";
        ErrorDetails = "";
    }

    /// <summary>Copies the labels added so far (and the error) to <paramref name="snapshot"/>, for <see cref="RestoreFrom"/>.</summary>
    public void SaveTo(LabelsSnapshot snapshot)
    {
        for (var c = 0; c < _add.Length; c++)
        {
            _add[c].CopyTo(snapshot.Added[c]);
        }
        snapshot.Deleted.Clear();
        snapshot.Deleted.AddRange(_deleted);
        snapshot.ArenaLength = _arenaLength;
        snapshot.Error = Error;
        snapshot.ErrorDetails = ErrorDetails;
    }

    /// <summary>Returns to the state saved by <see cref="SaveTo"/> for the same entry.</summary>
    public void RestoreFrom(LabelsSnapshot snapshot)
    {
        for (var c = 0; c < _add.Length; c++)
        {
            snapshot.Added[c].CopyTo(_add[c]);
        }
        _deleted.Clear();
        _deleted.AddRange(snapshot.Deleted);
        _arenaLength = snapshot.ArenaLength;
        Error = snapshot.Error;
        ErrorDetails = snapshot.ErrorDetails;
    }

    /// <summary>Whether the stream labels have <paramref name="name"/> (parsers then add <c>_extracted</c>).</summary>
    public bool BaseHas(string name) => _base.Get(name) is not null;

    /// <summary>
    /// Loki's <c>Add</c>: adds pairs of one category, renaming a name that is a stream label with the suffix
    /// <c>_extracted</c>; <c>__error__</c> and <c>__error_details__</c> set the error instead.
    /// </summary>
    public void Add(LabelCategory category, ReadOnlySpan<LabelPair> pairs)
    {
        foreach (var p in pairs)
        {
            var name = BaseHas(p.Name) ? p.Name + LabelNames.DuplicateSuffix : p.Name;
            if (name == LabelNames.Error)
            {
                Error = p.Value;
            }
            else if (name == LabelNames.ErrorDetails)
            {
                ErrorDetails = p.Value;
            }
            else
            {
                Set(category, name, p.Value);
            }
        }
    }

    /// <summary>The value of <paramref name="name"/> in any category (added first, then the stream unless deleted).</summary>
    public bool TryGet(string name, out string value)
    {
        for (var c = 0; c < _add.Length; c++)
        {
            var list = _add[c];
            var i = list.IndexOf(name);
            if (i >= 0)
            {
                value = ValueOf(ref list[i]);
                return true;
            }
        }
        if (IsDeleted(name))
        {
            value = "";
            return false;
        }
        value = _base.Get(name)!;
        return value is not null;
    }

    /// <summary>The value of <paramref name="name"/>, empty when absent (how string label filters see labels).</summary>
    public string GetOrEmpty(string name) => TryGet(name, out var v) ? v : "";

    /// <summary>Sets a label, honouring Loki's precedence Parsed &gt; StructuredMetadata &gt; Stream.</summary>
    public void Set(LabelCategory category, string name, string value) => SetSlot(category, new LabelSlot(name, value));

    /// <summary>
    /// <see cref="Set"/> with the value as UTF-8 bytes, decoded only if something reads it: verbatim (invalid UTF-8
    /// becomes U+FFFD), or with <paramref name="replaceInvalid"/> every invalid byte and U+FFFD a space, as Loki's
    /// parsers do. The bytes are copied, so the caller's buffer may change afterwards.
    /// </summary>
    public void SetUtf8(LabelCategory category, string name, ReadOnlySpan<byte> value, bool replaceInvalid)
    {
        if (value.IsEmpty)
        {
            SetSlot(category, new LabelSlot(name, ""));
            return;
        }
        if (_arena.Length - _arenaLength < value.Length)
        {
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaLength + value.Length));
        }
        value.CopyTo(_arena.AsSpan(_arenaLength));
        SetSlot(category, new LabelSlot(name, _arenaLength, value.Length, replaceInvalid));
        _arenaLength += value.Length;
    }

    private string ValueOf(ref LabelSlot slot)
    {
        if (slot.Value is null)
        {
            var bytes = _arena.AsSpan(slot.Start, slot.Length);
            slot.Value = slot.ReplaceInvalid ? _values.GetReplacingInvalid(bytes) : _values.Get(bytes);
        }
        return slot.Value;
    }

    private void SetSlot(LabelCategory category, in LabelSlot slot)
    {
        var name = slot.Name;
        switch (category)
        {
            case LabelCategory.Parsed:
                _add[(int)LabelCategory.StructuredMetadata].Remove(name);
                _add[(int)LabelCategory.Stream].Remove(name);
                break;
            case LabelCategory.StructuredMetadata:
                _add[(int)LabelCategory.Stream].Remove(name);
                if (_add[(int)LabelCategory.Parsed].Contains(name))
                {
                    return;
                }
                break;
            default:
                if (_add[(int)LabelCategory.StructuredMetadata].Contains(name) || _add[(int)LabelCategory.Parsed].Contains(name))
                {
                    return;
                }
                break;
        }
        var list = _add[(int)category];
        var i = list.IndexOf(name);
        if (i >= 0)
        {
            list[i] = slot;
        }
        else
        {
            list.Add(slot);
        }
    }

    /// <summary>Deletes <paramref name="name"/> from every category and from the stream labels.</summary>
    public void Delete(string name)
    {
        for (var c = 0; c < _add.Length; c++)
        {
            _add[c].Remove(name);
        }
        _deleted.Add(name);
    }

    /// <summary>Every label of the entry, unsorted, errors last (Loki's <c>UnsortedLabels</c> over all categories).</summary>
    public LabelPairList CollectAll()
    {
        var all = _all;
        all.Clear();
        var metadata = _add[(int)LabelCategory.StructuredMetadata];
        var parsed = _add[(int)LabelCategory.Parsed];
        var stream = _add[(int)LabelCategory.Stream];
        foreach (var l in _base.Pairs)
        {
            if (IsDeleted(l.Name) || metadata.Contains(l.Name) || parsed.Contains(l.Name))
            {
                continue;
            }
            var i = stream.IndexOf(l.Name);
            all.Add(i >= 0 ? new LabelPair(l.Name, ValueOf(ref stream[i])) : l);
        }
        for (var i = 0; i < metadata.Count; i++)
        {
            ref var l = ref metadata[i];
            if (!parsed.Contains(l.Name))
            {
                all.Add(new LabelPair(l.Name, ValueOf(ref l)));
            }
        }
        for (var i = 0; i < parsed.Count; i++)
        {
            ref var l = ref parsed[i];
            all.Add(new LabelPair(l.Name, ValueOf(ref l)));
        }
        if (Error.Length != 0)
        {
            all.Add(new LabelPair(LabelNames.Error, Error));
        }
        if (ErrorDetails.Length != 0)
        {
            all.Add(new LabelPair(LabelNames.ErrorDetails, ErrorDetails));
        }
        return all;
    }

    /// <summary>The interned result for the entry's current labels.</summary>
    public LabelsResult ToResult()
    {
        // Unchanged entry (Loki checks the error only, not its details).
        if (_deleted.Count == 0 && _add[0].Count == 0 && _add[1].Count == 0 && _add[2].Count == 0 && Error.Length == 0)
        {
            return UnchangedResult(_base);
        }
        var all = CollectAll();
        var stream = _split[0];
        var metadata = _split[1];
        var parsed = _split[2];
        stream.Clear();
        metadata.Clear();
        parsed.Clear();
        foreach (var l in all.Items)
        {
            // Label sets drop empty values (an empty label is an absent one), so they do not count.
            if (l.Value.Length == 0)
            {
                continue;
            }
            LabelCategory category;
            if (l.Name is LabelNames.Error or LabelNames.ErrorDetails || _add[(int)LabelCategory.Parsed].Contains(l.Name))
            {
                category = LabelCategory.Parsed;
            }
            else if (_add[(int)LabelCategory.StructuredMetadata].Contains(l.Name))
            {
                category = LabelCategory.StructuredMetadata;
            }
            else
            {
                category = LabelCategory.Stream;
            }
            _split[(int)category].Add(l);
        }
        Sort(stream);
        Sort(metadata);
        Sort(parsed);
        var key = Hash(stream, Hash(metadata, Hash(parsed, 0)));
        if (_results.TryGetValue(key, out var cached))
        {
            if (SameAs(cached.Stream, stream) && SameAs(cached.StructuredMetadata, metadata) && SameAs(cached.Parsed, parsed))
            {
                return cached;
            }
            return Create(stream, metadata, parsed); // a hash collision: correct but not cached
        }
        var result = Create(stream, metadata, parsed);
        if (_results.Count < MaxCachedResults)
        {
            _results[key] = result;
        }
        return result;
    }

    /// <summary>Bounds the cache for pipelines that produce a new label set per line (e.g. a parsed request id).</summary>
    private const int MaxCachedResults = 65536;

    private LabelsResult UnchangedResult(Labels stream)
    {
        if (!_unchanged.TryGetValue(stream, out var result))
        {
            _unchanged[stream] = result = new LabelsResult(stream, Labels.Empty, Labels.Empty);
        }
        return result;
    }

    private static LabelsResult Create(LabelPairList stream, LabelPairList metadata, LabelPairList parsed)
    {
        var s = Labels.Create(stream.Items);
        var m = Labels.Create(metadata.Items);
        var p = Labels.Create(parsed.Items);
        var count = stream.Count + metadata.Count + parsed.Count;
        Labels all;
        if (count == stream.Count)
        {
            all = s;
        }
        else
        {
            var pairs = new LabelPair[count];
            stream.Items.CopyTo(pairs);
            metadata.Items.CopyTo(pairs.AsSpan(stream.Count));
            parsed.Items.CopyTo(pairs.AsSpan(stream.Count + metadata.Count));
            all = Labels.Create(pairs);
        }
        return new LabelsResult(s, m, p, all);
    }

    private void Sort(LabelPairList list)
    {
        if (list.Count < 2)
        {
            return;
        }
        if (_sortBuffer.Length < list.Count)
        {
            _sortBuffer = new LabelPair[list.Count * 2];
        }
        list.Items.CopyTo(_sortBuffer);
        Array.Sort(_sortBuffer, 0, list.Count, ByName);
        for (var i = 0; i < list.Count; i++)
        {
            list[i] = _sortBuffer[i];
        }
    }

    private static int Hash(LabelPairList pairs, int seed)
    {
        var hash = new HashCode();
        hash.Add(seed);
        hash.Add(pairs.Count);
        foreach (var l in pairs.Items)
        {
            hash.Add(l.Name);
            hash.Add(l.Value);
        }
        return hash.ToHashCode();
    }

    private static bool SameAs(Labels labels, LabelPairList pairs)
    {
        if (labels.Count != pairs.Count)
        {
            return false;
        }
        var items = labels.Pairs;
        for (var i = 0; i < items.Length; i++)
        {
            if (!string.Equals(items[i].Name, pairs[i].Name, StringComparison.Ordinal)
                || !string.Equals(items[i].Value, pairs[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    private bool IsDeleted(string name)
    {
        foreach (var d in _deleted)
        {
            if (string.Equals(d, name, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
