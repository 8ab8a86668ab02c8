// Times Groove's VQT (96 bins from A0, 12 per octave, 16 kHz, hop 256, ERB γ) on 30 s of audio, single-threaded,
// and prints the time as a fraction of the audio's duration. Optionally writes the magnitudes to an .npy file so
// that bench/tonal/vqt_numpy.py can compare its independent numpy implementation against them.
using System.Diagnostics;
using Groove.Dsp;
using Groove.IO;

const int sr = 16000, hop = 256, seconds = 30;
string? npyOut = args.Length > 0 ? args[0] : null;
int repeats = args.Length > 1 ? int.Parse(args[1]) : 7;

var y = TestSignal(sr, seconds);
var opts = ConstantQOptions.Vqt(sr, hop, 27.5, 96);
var sw = Stopwatch.StartNew();
var vqt = new ConstantQTransform(opts);
double setup = sw.Elapsed.TotalSeconds;
ConstantQSpectrogram result = vqt.Compute(y); // warm-up (JIT)
var times = new List<double>();
for (int r = 0; r < repeats; r++)
{
    sw.Restart();
    result = vqt.Compute(y);
    times.Add(sw.Elapsed.TotalSeconds);
}
times.Sort();
double median = times[times.Count / 2];
Console.WriteLine($"groove VQT 96 bins @16 kHz hop 256, {seconds} s audio: median {median * 1000:F1} ms over {repeats} runs " +
                  $"(min {times[0] * 1000:F1} ms; kernel setup {setup * 1000:F1} ms) = {100 * median / seconds:F2}% of real time " +
                  $"[{result.BinCount}x{result.FrameCount}]");

var cqt = new ConstantQTransform(ConstantQOptions.Cqt(sr, hop, 27.5, 96));
cqt.Compute(y);
sw.Restart();
cqt.Compute(y);
Console.WriteLine($"groove CQT (same bins, gamma 0): {sw.Elapsed.TotalMilliseconds:F1} ms = {100 * sw.Elapsed.TotalSeconds / seconds:F2}% of real time");

if (npyOut is not null)
{
    NpyFile.Write(npyOut + ".signal.npy", y, [y.Length]);
    NpyFile.Write(npyOut, result.Data, [result.BinCount, result.FrameCount]);
    Console.WriteLine($"wrote {npyOut}");
}

static float[] TestSignal(int sr, int seconds)
{
    // Notes across the range plus noise: deterministic, music-like load.
    var rng = new Random(42);
    var y = new float[sr * seconds];
    for (int n = 0; n < 60; n++)
    {
        double f = 27.5 * Math.Pow(2, rng.Next(0, 90) / 12.0);
        int start = rng.Next(0, y.Length - sr), len = rng.Next(sr / 4, sr);
        for (int i = 0; i < len; i++)
            y[start + i] += (float)(0.1 * Math.Sin(2 * Math.PI * f * i / sr) * Math.Exp(-3.0 * i / len));
    }
    for (int i = 0; i < y.Length; i++) y[i] += (float)(0.01 * (rng.NextDouble() - 0.5));
    return y;
}
