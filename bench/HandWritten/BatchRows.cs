namespace TapeAD.Bench.HandWritten;

/// <summary>What a row of the batch peer's first-layer input holds: data (x or v), the identity tangent along an input, or zero.</summary>
public enum RowKind { Data, Unit, Zero }

/// <summary>
/// The rows <see cref="BatchNet"/> propagates per input for one query, and where the query's results sit
/// in them. Row 0 is the value. Value: that row only. Jacobian: tangents <c>T_j</c> (rows 1..d).
/// Second-order Jacobian: <c>T_j</c>, then <c>S_j = ∂²/∂x_j²</c>. Laplacian: <c>T_j</c>, then one row
/// <c>Σ_j S_j</c>. Hessian: <c>T_j</c>, then one row per pair <c>j ≤ k</c>. HVP: the tangent along v
/// (row 1), <c>T_j</c>, then the mixed terms <c>M_j = ∂²/∂x_j∂v</c>, which at the output are <c>(H v)_j</c>.
/// </summary>
public sealed class BatchRows
{
    private readonly int _d;

    public BatchRows(Query query, int d)
    {
        Query = query;
        Tangents = query == Query.Value ? 0 : d;
        FirstTangent = query == Query.Hvp ? 2 : 1;
        FirstSecond = FirstTangent + Tangents;
        Pairs = query == Query.Hessian
            ? [.. Enumerable.Range(0, d).SelectMany(j => Enumerable.Range(j, d - j).Select(k => (j, k)))]
            : [];
        int second = query switch
        {
            Query.Value or Query.Jacobian => 0,
            Query.Laplacian => 1,
            Query.Hessian => Pairs.Length,
            _ => d,
        };
        Count = FirstSecond + second;
        _d = d;
    }

    public Query Query { get; }

    /// <summary>Rows per input.</summary>
    public int Count { get; }

    /// <summary>Number of tangent rows <c>T_j</c> (0 for the value).</summary>
    public int Tangents { get; }

    /// <summary>Row of <c>T_0</c>.</summary>
    public int FirstTangent { get; }

    /// <summary>Row of the first second-order term.</summary>
    public int FirstSecond { get; }

    /// <summary>The Hessian's direction pairs <c>(j, k)</c>, <c>j ≤ k</c>, in row order.</summary>
    public (int J, int K)[] Pairs { get; }

    /// <summary>What row <paramref name="r"/> of the first layer's input holds.</summary>
    public (RowKind Kind, int Direction) InputKind(int r)
    {
        if (r == 0 || (Query == Query.Hvp && r == 1)) return (RowKind.Data, 0);
        if (r < FirstSecond) return (RowKind.Unit, r - FirstTangent);
        return (RowKind.Zero, 0);
    }

    /// <summary>For every entry of the query's result (TapeAD's layout), the row and output unit holding it.</summary>
    public (int[] Row, int[] Unit) OutputPlaces(int m)
    {
        int d = _d;
        var places = new List<(int Row, int Unit)>();
        for (int i = 0; i < m; i++)
            switch (Query)
            {
                case Query.Value: places.Add((0, i)); break;
                case Query.Laplacian: places.Add((FirstSecond, i)); break;
                case Query.Jacobian:
                    for (int j = 0; j < d; j++) places.Add((FirstTangent + j, i));
                    break;
                case Query.SecondOrderJacobian or Query.Hvp:
                    for (int j = 0; j < d; j++) places.Add((FirstSecond + j, i));
                    break;
                case Query.Hessian:
                    for (int j = 0; j < d; j++)
                        for (int k = 0; k < d; k++)
                            places.Add((FirstSecond + Array.IndexOf(Pairs, (Math.Min(j, k), Math.Max(j, k))), i));
                    break;
            }
        return ([.. places.Select(p => p.Row)], [.. places.Select(p => p.Unit)]);
    }
}
