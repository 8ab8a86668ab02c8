using System.Buffers;
using Groove.Audio.Decoding;

namespace Groove.Audio;

/// <summary>
/// Loads audio files. The format is recognised by content, not by extension: WAV (RIFF/RF64) is decoded in C#;
/// everything else (MP3, FLAC, Ogg Vorbis, Opus, M4A/AAC, unusual WAV encodings) by an <c>ffmpeg</c> child process
/// streaming raw samples, with <c>oggdec</c> as the fallback for Ogg Vorbis files ffmpeg refuses. Every problem with
/// the input is a <see cref="GrooveException"/> with a one-line message naming the file.
/// </summary>
/// <remarks>
/// Long inputs: decoding always streams in bounded blocks; <see cref="Load"/> keeps only the requested output
/// (channel selection, mono mixdown and resampling are applied per block) and refuses inputs longer than
/// <see cref="AudioLoadOptions.MaxDuration"/> (30 minutes by default) before holding their samples.
/// <see cref="Scan"/> measures a file of any length in constant memory.
/// </remarks>
public static class AudioFile
{
    /// <summary>A file whose peak is below this level (dB re full scale) is reported as silent (a warning).</summary>
    public const double SilencePeakDbfs = -80;

    /// <summary>
    /// Decodes <paramref name="path"/> into memory, optionally resampled, mixed down or with selected channels.
    /// </summary>
    /// <param name="path">The audio file.</param>
    /// <param name="options">Rate, channels and limits; null: the file's own rate and channels, 30-minute limit.</param>
    /// <param name="onWarning">Receives one-line warnings: a silent file, a truncated file read as far as it goes.</param>
    /// <exception cref="GrooveException">The file is missing, not audio, empty, damaged, too long, or needs a decoder that is not installed.</exception>
    public static AudioBuffer Load(string path, AudioLoadOptions? options = null, Action<string>? onWarning = null) =>
        LoadWith(path, options, onWarning, DecoderTools.Default);

    internal static AudioBuffer LoadWith(string path, AudioLoadOptions? options, Action<string>? onWarning, DecoderTools tools)
    {
        options ??= new AudioLoadOptions();
        return Decode(path, tools, onWarning, options.CancellationToken, source =>
        {
            var collector = new SampleCollector(path, source.Info, options, keep: true);
            // The header's duration is exact for WAV and an estimate for some compressed files: only refuse early
            // when it is clearly over; the exact count while decoding decides the rest.
            double limit = options.MaxDuration.TotalSeconds;
            if (source.Info.Duration is { } d && d > (source is WavSource ? limit : limit * 1.02 + 1)) throw collector.TooLong(d);
            Pump(source, collector, options.CancellationToken);
            CheckContent(path, collector, onWarning);
            return collector.Finish();
        });
    }

    /// <summary>What the header says (format, codec, rate, channels, duration), without decoding the samples.</summary>
    /// <exception cref="GrooveException">As for <see cref="Load"/>.</exception>
    public static AudioFileInfo Probe(string path) => ProbeWith(path, DecoderTools.Default);

    internal static AudioFileInfo ProbeWith(string path, DecoderTools tools) => Decode(path, tools, null, default, s => s.Info);

    /// <summary>
    /// Decodes the whole file without keeping it, to measure its exact length and peak level; works on files of any
    /// length in constant memory (no duration limit).
    /// </summary>
    /// <exception cref="GrooveException">As for <see cref="Load"/> (except the duration limit).</exception>
    public static AudioScan Scan(string path, Action<string>? onWarning = null, CancellationToken cancellationToken = default) =>
        ScanWith(path, onWarning, cancellationToken, DecoderTools.Default);

    internal static AudioScan ScanWith(string path, Action<string>? onWarning, CancellationToken cancellationToken, DecoderTools tools) =>
        Decode(path, tools, onWarning, cancellationToken, source =>
        {
            var collector = new SampleCollector(path, source.Info, new AudioLoadOptions(), keep: false);
            Pump(source, collector, cancellationToken);
            CheckContent(path, collector, onWarning);
            return new AudioScan(source.Info, collector.SourceFrames, collector.Peak);
        });

    /// <summary>
    /// Decodes <paramref name="path"/> block by block without keeping it, handing each block to
    /// <paramref name="onBlock"/> (interleaved as decoded, and mixed down to mono exactly as
    /// <see cref="AudioBuffer.Mono"/> mixes), so a recording of any length is read in constant memory.
    /// <see cref="AudioLoadOptions.MaxDuration"/> and <see cref="AudioLoadOptions.CancellationToken"/> apply; the rate,
    /// channel and mono settings do not (blocks come at the file's own rate with all its channels).
    /// </summary>
    /// <param name="path">The audio file.</param>
    /// <param name="options">The length limit and the cancellation.</param>
    /// <param name="onBlock">Receives each block.</param>
    /// <param name="onWarning">Receives one-line warnings, as for <see cref="Load"/>.</param>
    /// <returns>The format, the exact length and the peak.</returns>
    /// <exception cref="GrooveException">As for <see cref="Load"/>.</exception>
    public static AudioScan ReadBlocks(string path, AudioLoadOptions options, AudioBlockHandler onBlock, Action<string>? onWarning = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(onBlock);
        return Decode(path, DecoderTools.Default, onWarning, options.CancellationToken, source =>
        {
            var info = source.Info;
            var collector = new SampleCollector(path, info, options, keep: false);
            double limit = options.MaxDuration.TotalSeconds;
            if (info.Duration is { } d && d > (source is WavSource ? limit : limit * 1.02 + 1)) throw collector.TooLong(d);
            long maxFrames = (long)Math.Min(long.MaxValue / 2, Math.Ceiling(limit * info.SampleRate));
            int channels = info.Channels;
            int frames = Math.Max(1, (1 << 15) / channels);
            float[] block = ArrayPool<float>.Shared.Rent(frames * channels);
            float[] mono = channels == 1 ? [] : ArrayPool<float>.Shared.Rent(frames);
            try
            {
                int n;
                while ((n = source.Read(block.AsSpan(0, frames * channels))) > 0)
                {
                    options.CancellationToken.ThrowIfCancellationRequested();
                    collector.Add(block, n);
                    if (collector.SourceFrames > maxFrames) throw collector.TooLong(null);
                    var interleaved = block.AsSpan(0, n * channels);
                    if (channels == 1) { onBlock(interleaved, interleaved, info); continue; }
                    var m = mono.AsSpan(0, n);
                    m.Clear();
                    for (int c = 0; c < channels; c++)
                        for (int i = 0, k = c; i < n; i++, k += channels) m[i] += interleaved[k];
                    System.Numerics.Tensors.TensorPrimitives.Multiply(m, 1f / channels, m);
                    onBlock(m, interleaved, info);
                }
                options.CancellationToken.ThrowIfCancellationRequested();
            }
            finally
            {
                ArrayPool<float>.Shared.Return(block);
                if (mono.Length > 0) ArrayPool<float>.Shared.Return(mono);
            }
            CheckContent(path, collector, onWarning);
            return new AudioScan(info, collector.SourceFrames, collector.Peak);
        });
    }

    private static void CheckContent(string path, SampleCollector collector, Action<string>? onWarning)
    {
        if (collector.SourceFrames == 0) throw new GrooveException($"{path}: contains no audio (0 samples)");
        double peakDb = collector.Peak > 0 ? 20 * Math.Log10(collector.Peak) : double.NegativeInfinity;
        if (peakDb < SilencePeakDbfs)
            onWarning?.Invoke(double.IsNegativeInfinity(peakDb)
                ? $"{path}: is silent (every sample is zero)"
                : $"{path}: is silent (peak {peakDb:F1} dBFS)");
    }

    private static void Pump(IAudioSource source, SampleCollector collector, CancellationToken cancellation)
    {
        int channels = source.Info.Channels;
        int frames = Math.Max(1, (1 << 15) / channels);
        float[] block = ArrayPool<float>.Shared.Rent(frames * channels);
        try
        {
            int n;
            while ((n = source.Read(block.AsSpan(0, frames * channels))) > 0)
            {
                cancellation.ThrowIfCancellationRequested();
                collector.Add(block, n);
            }
            cancellation.ThrowIfCancellationRequested();
        }
        finally
        {
            ArrayPool<float>.Shared.Return(block);
        }
    }

    /// <summary>Finds the right decoder for <paramref name="path"/> and runs <paramref name="consume"/> on it.</summary>
    private static T Decode<T>(string path, DecoderTools tools, Action<string>? onWarning, CancellationToken cancellation,
        Func<IAudioSource, T> consume)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0) throw new GrooveException("an empty file name was given");
        if (path == StandardInputName)
        {
            if (!Console.IsInputRedirected)
                throw new GrooveException("-: standard input is a terminal; pipe or redirect audio into it (groove beats - < song.wav)");
            using var stdin = Console.OpenStandardInput();
            return StreamSpool.Decode(path, stdin, cancellation, spooled => Decode(spooled, tools, onWarning, cancellation, consume));
        }
        if (Directory.Exists(path)) throw new GrooveException($"{path}: is a directory, not an audio file");
        if (!File.Exists(path)) throw new GrooveException($"{path}: no such file");
        cancellation.ThrowIfCancellationRequested();

        var file = StreamSpool.Open(path, cancellation);
        if (!file.CanSeek)
        {
            // A pipe (FIFO) or device: read it once into a temporary file, then decode that.
            using (file) return StreamSpool.Decode(path, file, cancellation, spooled => Decode(spooled, tools, onWarning, cancellation, consume));
        }
        return DecodeFile(path, file, tools, onWarning, cancellation, consume);
    }

    /// <summary>The name that reads standard input instead of a file (as in <c>groove beats - &lt; song.wav</c>).</summary>
    public const string StandardInputName = "-";

    private static T DecodeFile<T>(string path, FileStream file, DecoderTools tools, Action<string>? onWarning, CancellationToken cancellation,
        Func<IAudioSource, T> consume)
    {
        bool ogg;
        using (file)
        {
            Span<byte> head = stackalloc byte[12];
            int n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            if (n == 0) throw new GrooveException($"{path}: empty file (0 bytes)");
            ogg = n >= 4 && head[..4].SequenceEqual("OggS"u8);
            if (WavStream.LooksLikeWav(head[..n]) || (n < 4 && "RIFF"u8.StartsWith(head[..n])))
            {
                file.Position = 0;
                var wav = WavStream.Open(file, path, onWarning, leaveOpen: true);
                if (wav.Format.IsNativelyDecoded)
                {
                    using var source = new WavSource(wav);
                    return consume(source);
                }
                // An encoding we do not decode ourselves (ADPCM, A-law...): ffmpeg's turn.
            }
        }

        DecoderRefusedException? ffmpegRefusal = null;
        try
        {
            using var source = FfmpegSource.Open(path, tools, onWarning, cancellation);
            return consume(source);
        }
        catch (ToolMissingException) when (!ogg)
        {
            throw new GrooveException($"{path}: decoding this format needs ffmpeg, which is not installed (apt-get install ffmpeg)");
        }
        catch (DecoderRefusedException e) when (!ogg)
        {
            cancellation.ThrowIfCancellationRequested();
            throw new GrooveException($"{path}: not a readable audio file (ffmpeg: {e.Message})");
        }
        catch (ToolMissingException) { }
        catch (DecoderRefusedException e)
        {
            cancellation.ThrowIfCancellationRequested();
            ffmpegRefusal = e;
        }

        // An Ogg file that ffmpeg refused or could not try: oggdec may decode it (Vorbis only).
        try
        {
            using var source = OggdecSource.Open(path, tools, onWarning, cancellation);
            return consume(source);
        }
        catch (ToolMissingException)
        {
            if (ffmpegRefusal is null)
                throw new GrooveException($"{path}: decoding Ogg needs ffmpeg or oggdec, and neither is installed (apt-get install ffmpeg vorbis-tools)");
            throw new GrooveException($"{path}: not a readable audio file (ffmpeg: {ffmpegRefusal.Message}; oggdec, which may read it, is not installed: apt-get install vorbis-tools)");
        }
        catch (DecoderRefusedException e)
        {
            cancellation.ThrowIfCancellationRequested();
            throw new GrooveException(ffmpegRefusal is null
                ? $"{path}: not a readable audio file (oggdec: {e.Message}; ffmpeg, which reads more formats, is not installed: apt-get install ffmpeg)"
                : $"{path}: not a readable audio file (ffmpeg: {ffmpegRefusal.Message}; oggdec: {e.Message})");
        }
    }
}
