using Groove.Dsp;

namespace Groove.Tests.Dsp;

public class ChromagramTests
{
    /// <summary>Notes with a few decaying harmonics, like a real instrument.</summary>
    internal static float[] Chord(double[] midiNotes, double seconds, int sr, double tuningCents = 0)
    {
        var y = new float[(int)(seconds * sr)];
        foreach (var m in midiNotes)
        {
            double f0 = 440 * Math.Pow(2, (m - 69 + tuningCents / 100) / 12);
            for (int h = 1; h <= 4; h++)
            {
                double f = f0 * h;
                if (f >= sr / 2.0) break;
                double a = 0.1 / h;
                for (int i = 0; i < y.Length; i++) y[i] += (float)(a * Math.Sin(2 * Math.PI * f * i / sr));
            }
        }
        return y;
    }

    private static int[] Top3(float[] mean) =>
        mean.Select((v, i) => (v, i)).OrderByDescending(t => t.v).Take(3).Select(t => t.i).OrderBy(i => i).ToArray();

    [Fact]
    public void CqtChromaOfCMajorTriadPeaksAtCEG()
    {
        const int sr = 22050;
        var y = Chord([60, 64, 67], 2.0, sr); // C4 E4 G4
        var cqt = new ConstantQTransform(ConstantQOptions.Cqt(sr, 512, binCount: 7 * 36, binsPerOctave: 36)).Compute(y);
        var chroma = Chromagram.FromConstantQ(cqt);
        Assert.Equal(12, chroma.ChromaCount);
        Assert.Equal(cqt.FrameCount, chroma.FrameCount);
        Assert.Equal([0, 4, 7], Top3(chroma.Mean()));
        // Max-normalised frames (librosa's norm=np.inf): the loudest class is 1 in every sounding frame.
        Assert.Equal(1f, Enumerable.Range(0, 12).Max(c => chroma[c, chroma.FrameCount / 2]), 5);
    }

    [Fact]
    public void CqtChromaFoldHonoursAnFminThatIsNotC()
    {
        const int sr = 22050;
        var y = Chord([57, 61, 64], 2.0, sr); // A major: A C# E
        double fminA1 = 55.0;
        var cqt = new ConstantQTransform(ConstantQOptions.Cqt(sr, 512, fminA1, 6 * 12, 12)).Compute(y);
        Assert.Equal([1, 4, 9], Top3(Chromagram.FromConstantQ(cqt).Mean()));
    }

    [Fact]
    public void StftChromaOfCMajorTriadPeaksAtCEG()
    {
        const int sr = 22050;
        var chroma = Chromagram.FromSignal(Chord([60, 64, 67], 2.0, sr), sr);
        Assert.Equal(1 + 2 * sr / 512, chroma.FrameCount);
        Assert.Equal([0, 4, 7], Top3(chroma.Mean()));
    }

    [Fact]
    public void StftFilterbankMapsEachPitchToItsClass()
    {
        // A bin at the centre of a pitch weighs most on that pitch's class (row 0 = C).
        const int sr = 22050, nFft = 4096;
        var fb = ChromaFilterbank.Create(sr, nFft);
        int bins = nFft / 2 + 1;
        foreach (var (freq, pc) in new[] { (261.63, 0), (440.0, 9), (880.0, 9), (392.0, 7), (311.13, 3) })
        {
            int k = (int)Math.Round(freq * nFft / sr);
            int best = Enumerable.Range(0, 12).MaxBy(c => fb[c * bins + k]);
            Assert.Equal(pc, best);
        }
    }
}
