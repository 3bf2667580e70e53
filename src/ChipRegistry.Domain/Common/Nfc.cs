using System.Collections.Frozen;
using System.Text;

namespace ChipRegistry.Domain.Common;

/// <summary>
/// Unicode Normalization Form C (UAX #15: canonical decomposition, canonical ordering, canonical composition) from
/// <see cref="NfcData"/>. The registry runs with invariant globalization, where <see cref="string.Normalize()"/> leaves
/// text as it is, so free text is normalised here. Input must be well-formed UTF-16 (no lone surrogates).
/// </summary>
public static class Nfc
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    private static readonly FrozenDictionary<int, (int First, int Second)> Decomposition = Triples(NfcData.Decompositions)
        .ToFrozenDictionary(t => t.A, t => (t.B, t.C));

    private static readonly FrozenDictionary<int, int> CombiningClass = Pairs(NfcData.CombiningClasses).ToFrozenDictionary(p => p.A, p => p.B);

    private static readonly FrozenDictionary<long, int> Composition = Triples(NfcData.Compositions)
        .ToFrozenDictionary(t => Key(t.A, t.B), t => t.C);

    /// <summary><paramref name="text"/> in NFC; text below U+0300 (ASCII, Latin-1, most Latin) is NFC already and returned as it is.</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.All(c => c < '\u0300')) return text;
        var decomposed = new List<int>(text.Length);
        foreach (var rune in text.EnumerateRunes()) Decompose(rune.Value, decomposed);
        Reorder(decomposed);
        var composed = Compose(decomposed);
        var result = new StringBuilder(text.Length);
        foreach (var scalar in composed) result.Append(new Rune(scalar).ToString());
        return result.ToString();
    }

    private static int ClassOf(int scalar) => CombiningClass.GetValueOrDefault(scalar);

    private static void Decompose(int scalar, List<int> into)
    {
        if (scalar is >= SBase and < SBase + SCount)
        {
            var index = scalar - SBase;
            into.Add(LBase + index / NCount);
            into.Add(VBase + index % NCount / TCount);
            if (index % TCount != 0) into.Add(TBase + index % TCount);
            return;
        }
        if (!Decomposition.TryGetValue(scalar, out var parts))
        {
            into.Add(scalar);
            return;
        }
        Decompose(parts.First, into);
        if (parts.Second != 0) Decompose(parts.Second, into);
    }

    /// <summary>Canonical ordering: each run of non-starters sorted by combining class, stably.</summary>
    private static void Reorder(List<int> scalars)
    {
        for (var i = 1; i < scalars.Count; i++)
        {
            var current = scalars[i];
            var cc = ClassOf(current);
            if (cc == 0) continue;
            var j = i;
            while (j > 0 && ClassOf(scalars[j - 1]) > cc)
            {
                scalars[j] = scalars[j - 1];
                j--;
            }
            scalars[j] = current;
        }
    }

    private static List<int> Compose(List<int> scalars)
    {
        var result = new List<int>(scalars.Count);
        var starter = -1;
        var lastClass = -1;
        foreach (var scalar in scalars)
        {
            var cc = ClassOf(scalar);
            if (starter >= 0 && (lastClass < cc || lastClass == 0 && result.Count - 1 == starter) && ComposePair(result[starter], scalar) is { } composite)
            {
                result[starter] = composite;
                continue;
            }
            if (cc == 0)
            {
                starter = result.Count;
            }
            lastClass = cc;
            result.Add(scalar);
        }
        return result;
    }

    private static int? ComposePair(int first, int second)
    {
        if (first is >= LBase and < LBase + LCount && second is >= VBase and < VBase + VCount)
        {
            return SBase + ((first - LBase) * VCount + (second - VBase)) * TCount;
        }
        if (first is >= SBase and < SBase + SCount && (first - SBase) % TCount == 0 && second is > TBase and < TBase + TCount)
        {
            return first + (second - TBase);
        }
        return Composition.TryGetValue(Key(first, second), out var composite) ? composite : null;
    }

    private static long Key(int first, int second) => (long)first << 21 | (uint)second;

    private static IEnumerable<(int A, int B, int C)> Triples(ReadOnlySpan<int> data)
    {
        var triples = new (int, int, int)[data.Length / 3];
        for (var i = 0; i < triples.Length; i++) triples[i] = (data[3 * i], data[3 * i + 1], data[3 * i + 2]);
        return triples;
    }

    private static IEnumerable<(int A, int B)> Pairs(ReadOnlySpan<int> data)
    {
        var pairs = new (int, int)[data.Length / 2];
        for (var i = 0; i < pairs.Length; i++) pairs[i] = (data[2 * i], data[2 * i + 1]);
        return pairs;
    }
}
