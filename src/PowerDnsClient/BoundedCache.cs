using System.Diagnostics.CodeAnalysis;

namespace PowerDnsClient;

/// <summary>
/// A thread-safe map of at most <c>capacity</c> entries that drops the least recently used one, and optionally entries
/// unused for <c>idle</c>: for every map whose keys callers choose (paths, tokens, Issuer configs), so that no caller can
/// grow memory without bound. The Go apiserver's caches are LRUs of the same kind.
/// </summary>
internal sealed class BoundedCache<TKey, TValue>(int capacity, TimeSpan? idle = null, TimeProvider? time = null)
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recent = new();   // most recently used first
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                Expire();
                return _entries.Count;
            }
        }
    }

    public bool TryGet(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        lock (_gate)
        {
            Expire();
            var found = _entries.TryGetValue(key, out var node);
            value = found ? Touch(node!).Value : default;
            return found;
        }
    }

    public void Set(TKey key, TValue value)
    {
        lock (_gate)
        {
            if (_entries.Remove(key, out var old))
            {
                _recent.Remove(old);
            }

            Add(key, value);
        }
    }

    /// <summary>The kept value, or a new one from <paramref name="create"/> (called under the lock: keep it cheap).</summary>
    public TValue GetOrAdd(TKey key, Func<TKey, TValue> create)
    {
        lock (_gate)
        {
            Expire();
            return _entries.TryGetValue(key, out var node) ? Touch(node).Value : Add(key, create(key));
        }
    }

    /// <summary>The entries kept now, most recently used first.</summary>
    public IReadOnlyList<KeyValuePair<TKey, TValue>> Snapshot()
    {
        lock (_gate)
        {
            Expire();
            return [.. _recent.Select(e => KeyValuePair.Create(e.Key, e.Value))];
        }
    }

    private TValue Add(TKey key, TValue value)
    {
        _entries[key] = _recent.AddFirst(new Entry(key, value) { LastUsed = _time.GetTimestamp() });
        while (_entries.Count > capacity)
        {
            Drop(_recent.Last!);
        }

        return value;
    }

    private Entry Touch(LinkedListNode<Entry> node)
    {
        node.Value.LastUsed = _time.GetTimestamp();
        _recent.Remove(node);
        _recent.AddFirst(node);
        return node.Value;
    }

    private void Expire()
    {
        while (idle is { } limit && _recent.Last is { } oldest && _time.GetElapsedTime(oldest.Value.LastUsed) > limit)
        {
            Drop(oldest);
        }
    }

    private void Drop(LinkedListNode<Entry> node)
    {
        _recent.Remove(node);
        _entries.Remove(node.Value.Key);
    }

    private sealed class Entry(TKey key, TValue value)
    {
        public TKey Key { get; } = key;

        public TValue Value { get; } = value;

        public long LastUsed { get; set; }
    }
}
