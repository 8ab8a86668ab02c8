using System.Diagnostics;
using System.Globalization;
using Groove.Audio;
using Groove.Dsp;

// Times Groove's DSP front end on one thread. Prints "name<TAB>median seconds<TAB>runs" per benchmark.
//   Groove.DspBench fft N FRAMES RUNS
//   Groove.DspBench logmel WAV N_FFT HOP MELS RUNS
//   Groove.DspBench sizes [N...]    per-transform µs of RealFft.Forward / Inverse, best of many short samples
//                                   (the best sample is the least disturbed by other load on a shared machine)
var ic = CultureInfo.InvariantCulture;
if (args.Length < 1) { Console.Error.WriteLine("usage: fft N FRAMES RUNS | logmel WAV N_FFT HOP MELS RUNS"); return 2; }

static double Median(List<double> xs) { xs.Sort(); int n = xs.Count; return n % 2 == 1 ? xs[n / 2] : 0.5 * (xs[n / 2 - 1] + xs[n / 2]); }

static (double median, int runs, double min) Time(int runs, Action body)
{
    for (int i = 0; i < 3; i++) body(); // warm-up: tiered JIT reaches optimised code
    var times = new List<double>();
    for (int i = 0; i < runs; i++)
    {
        var sw = Stopwatch.StartNew();
        body();
        times.Add(sw.Elapsed.TotalSeconds);
    }
    return (Median(times), runs, times.Min());
}

static double Best(Action once, int n)
{
    // Short samples (tens of µs): on a loaded machine some of them run undisturbed.
    int reps = Math.Max(1, 20_000 / Math.Max(n, 1));
    double best = double.MaxValue;
    var total = Stopwatch.StartNew();
    while (total.ElapsedMilliseconds < 1000)
    {
        long t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < reps; i++) once();
        best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalMicroseconds / reps);
    }
    return best;
}

switch (args[0])
{
    case "fft":
    {
        int n = int.Parse(args[1], ic), frames = int.Parse(args[2], ic), runs = int.Parse(args[3], ic);
        var fft = new RealFft(n);
        var rng = new Random(1);
        var x = new float[(long)n * frames];
        for (long i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        var spectra = new float[(long)frames * 2 * fft.Bins];
        var (med, r, _) = Time(runs, () => fft.Forward(x, spectra, frames));
        Console.WriteLine(string.Create(ic, $"fft{n}x{frames}\t{med:E6}\t{r}"));
        break;
    }
    case "logmel":
    {
        string path = args[1];
        int nFft = int.Parse(args[2], ic), hop = int.Parse(args[3], ic), mels = int.Parse(args[4], ic), runs = int.Parse(args[5], ic);
        var audio = AudioFile.Load(path);
        var y = audio.Mono();
        var mel = new MelSpectrogram(audio.SampleRate, nFft, hop, mels);
        float[]? result = null;
        var (med, r, _) = Time(runs, () => result = mel.ComputeDb(y));
        Console.WriteLine(string.Create(ic, $"logmel\t{med:E6}\t{r}\tframes={result!.Length / mels}"));
        break;
    }
    case "sizes":
    {
        var sizes = args.Length > 1 ? args.Skip(1).Select(a => int.Parse(a, ic)).ToArray() : [256, 512, 1024, 2048, 4096, 8192, 400, 1000, 1920, 97, 1021];
        Console.WriteLine("n\tforward_us\tinverse_us");
        foreach (int n in sizes)
        {
            var fft = new RealFft(n);
            var x = new float[n];
            var rng = new Random(n);
            for (int i = 0; i < n; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
            var spec = new float[2 * fft.Bins];
            var back = new float[n];
            Console.WriteLine(string.Create(ic, $"{n}\t{Best(() => fft.Forward(x, spec), n):F3}\t{Best(() => fft.Inverse(spec, back), n):F3}"));
        }
        break;
    }
    case "parts":
    {
        // Where the log-mel time goes (diagnostic).
        var audio = AudioFile.Load(args[1]);
        var y = audio.Mono();
        int runs = int.Parse(args[2], ic);
        var stft = new Stft(2048, 512);
        var fb = new MelFilterbank(audio.SampleRate, 2048, 128);
        float[] pow = [];
        var t1 = Time(runs, () => pow = stft.Power(y));
        float[] mel = [];
        var t2 = Time(runs, () => mel = fb.Apply(pow));
        var db = new float[mel.Length];
        var t3 = Time(runs, () => Decibels.PowerToDb(mel, db));
        var fft = new RealFft(2048);
        int frames = pow.Length / fft.Bins;
        var x = new float[2048 * frames];
        var spec = new float[frames * 2 * fft.Bins];
        var t4 = Time(runs, () => fft.Forward(x, spec, frames));
        Console.WriteLine(string.Create(ic, $"min of {runs}: power {t1.min * 1e3:F2} ms, mel {t2.min * 1e3:F2} ms, db {t3.min * 1e3:F2} ms, fft-only {t4.min * 1e3:F2} ms ({frames} frames)"));
        break;
    }
    default:
        Console.Error.WriteLine($"unknown benchmark '{args[0]}'");
        return 2;
}
return 0;
