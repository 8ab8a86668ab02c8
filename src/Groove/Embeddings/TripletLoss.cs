using Groove.Nn;

namespace Groove.Embeddings;

/// <summary>
/// Tile2Vec's triplet loss (Jean, Wang, Samar, Azzari, Lobell &amp; Ermon, "Tile2Vec: Unsupervised representation
/// learning for spatially distributed data", AAAI 2019 / arXiv 2018): max(0, ‖a − n‖² − ‖a − d‖² + margin) for an
/// anchor a, a neighbour n and a distant tile d — here on L2-normalised embeddings, so squared distances lie in
/// [0, 4], as in the audio adaptation by temporal proximity (Jansen, Plakal, Pandya, Ellis, Hershey, Liu, Moore &amp;
/// Saurous, "Unsupervised learning of semantic audio representations", ICASSP 2018).
/// </summary>
public static class TripletLoss
{
    /// <summary>Default margin (on squared distances of unit vectors).</summary>
    public const float DefaultMargin = 0.5f;

    /// <summary>Mean hinge loss over the batch; embeddings [N, D] are normalised here.</summary>
    public static Tensor Compute(Tensor anchor, Tensor neighbour, Tensor distant, float margin = DefaultMargin) =>
        Functional.TripletMarginLoss(Functional.Normalize(anchor, 1), Functional.Normalize(neighbour, 1), Functional.Normalize(distant, 1), margin);

    /// <summary>Fraction of triplets whose anchor is closer to its neighbour than to its distant tile.</summary>
    public static double Accuracy(Tensor anchor, Tensor neighbour, Tensor distant)
    {
        var a = Functional.Normalize(anchor, 1).ToArray(); var n = Functional.Normalize(neighbour, 1).ToArray(); var d = Functional.Normalize(distant, 1).ToArray();
        int rows = anchor.Dim(0), dim = anchor.Dim(1), right = 0;
        for (int i = 0; i < rows; i++)
        {
            var ar = a.AsSpan(i * dim, dim);
            float dn = System.Numerics.Tensors.TensorPrimitives.Distance(ar, n.AsSpan(i * dim, dim));
            float dd = System.Numerics.Tensors.TensorPrimitives.Distance(ar, d.AsSpan(i * dim, dim));
            if (dn < dd) right++;
        }
        return rows == 0 ? 0 : (double)right / rows;
    }
}
