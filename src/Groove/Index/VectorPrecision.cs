namespace Groove.Index;

/// <summary>How <see cref="VectorSearch"/> stores its normalised rows: float32 (exact), or float16 (half the memory
/// and bandwidth; rows rounded to 11 significant bits, scores still summed in float32).</summary>
public enum VectorPrecision
{
    /// <summary>4 bytes per value.</summary>
    Float32,
    /// <summary>2 bytes per value (IEEE 754 binary16).</summary>
    Float16,
}
