namespace TapeAD.Compiler;

/// <summary>How many inputs a batch call of a compiled scalar graph evaluates per instruction.</summary>
public enum BatchVectorWidth
{
    /// <summary>The widest vectors the hardware accelerates (8 inputs with AVX-512, 4 with AVX2), else one row at a time.</summary>
    Widest,
    /// <summary>Four inputs per <c>Vector256&lt;double&gt;</c>.</summary>
    Vector256,
    /// <summary>Eight inputs per <c>Vector512&lt;double&gt;</c>.</summary>
    Vector512,
    /// <summary>One row at a time through the scalar code.</summary>
    None,
}
