using System.Globalization;
using System.Security.Cryptography;
using System.Buffers.Binary;
using Groove.Audio;
using Groove.IO;

namespace Groove.Corpus;

/// <summary>
/// Builds an unlabelled training corpus from a Debian music list: fetches each package's .deb (<see cref="IDebSource"/>),
/// takes out the listed recordings (<see cref="DebExtractor"/>, also from zip/pk3 archives), decodes them to mono at
/// one rate (<see cref="AudioFile.Load"/>), drops near-silent recordings and exact or near duplicates
/// (<see cref="AudioFingerprint"/>), and writes <c>DIR/audio/PACKAGE/NAME.wav</c> (16-bit) and <c>DIR/corpus.tsv</c>.
/// </summary>
/// <remarks>
/// Resumable: every file is written atomically, a package is marked done by its state file
/// (<c>DIR/packages/PACKAGE.tsv</c>), and a run that was stopped inside a package keeps the WAVs it wrote and redoes
/// the rest of that package. A run with nothing left to do fetches nothing. One run at a time per folder (a lock file).
/// </remarks>
public sealed class CorpusBuilder
{
    private const double SilenceFloorDb = -150;
    private readonly string _dir;
    private readonly CorpusOptions _options;
    private readonly IDebSource _source;

    /// <summary>A builder writing into <paramref name="outDir"/>.</summary>
    /// <param name="outDir">The corpus folder (created when needed).</param>
    /// <param name="source">Where .deb files come from.</param>
    /// <param name="options">Rate and thresholds; null: the defaults.</param>
    public CorpusBuilder(string outDir, IDebSource source, CorpusOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(outDir);
        ArgumentNullException.ThrowIfNull(source);
        _dir = Path.GetFullPath(outDir);
        _source = source;
        _options = options ?? new CorpusOptions();
        if (_options.SampleRate is < 1000 or > 192000)
            throw new GrooveException($"the corpus rate must be between 1000 and 192000 Hz, not {_options.SampleRate}");
    }

    /// <summary>The manifest's path (<c>DIR/corpus.tsv</c>).</summary>
    public string ManifestPath => Path.Combine(_dir, "corpus.tsv");

    /// <summary>The folder of cached audio (<c>DIR/audio</c>).</summary>
    public string AudioDir => Path.Combine(_dir, "audio");

    private string StateDir => Path.Combine(_dir, "packages");
    private string WorkRoot => Path.Combine(_dir, ".work");
    private string StatePath(string package) => Path.Combine(StateDir, package + ".tsv");

    /// <summary>Builds (or finishes) the corpus for <paramref name="list"/>.</summary>
    /// <param name="list">The music list (all of it; <see cref="CorpusOptions.Packages"/> selects).</param>
    /// <param name="progress">Told what is happening after every recording.</param>
    /// <param name="onPackageFailed">Told, in one line, about a package that could not be fetched or read.</param>
    /// <param name="cancellationToken">Stops the build; what is written stays valid and a next run resumes.</param>
    /// <exception cref="GrooveException">A selected package is not in the list, the folder was built at another rate, or another run holds it.</exception>
    /// <exception cref="MissingToolException">dpkg-deb, ffmpeg, ffprobe or oggdec (or apt-get, to download) is not installed.</exception>
    public CorpusSummary Build(IReadOnlyList<MusicListEntry> list, IProgress<CorpusProgress>? progress = null,
        Action<string>? onPackageFailed = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(list);
        var byPackage = list.GroupBy(e => e.Package).ToDictionary(g => g.Key, g => (IReadOnlyList<MusicListEntry>)g.ToList());
        var order = list.Select(e => e.Package).Distinct().ToList();
        var selected = order;
        if (_options.Packages is { } only)
        {
            foreach (var p in only)
                if (!byPackage.ContainsKey(p)) throw new GrooveException($"{p}: not a package of the music list");
            selected = order.Where(only.Contains).ToList();
        }

        Directory.CreateDirectory(_dir);
        using var lockFile = TakeLock();
        CheckRate();
        Directory.CreateDirectory(StateDir);

        // What finished packages already hold: their rows, and the hashes and fingerprints duplicates are found by.
        var done = new Dictionary<string, IReadOnlyList<CorpusRecord>>(StringComparer.Ordinal);
        var known = new KnownAudio();
        foreach (var package in order)
        {
            if (!File.Exists(StatePath(package))) continue;
            var rows = CorpusManifest.ReadPackageState(StatePath(package), package);
            // A damaged state file, or one for an older version of the list, means the package is redone.
            if (rows is null || !rows.Select(r => r.Source).SequenceEqual(byPackage[package].Select(e => e.Path))) continue;
            done[package] = rows;
            foreach (var r in rows) known.Add(r);
        }

        int total = selected.Sum(p => byPackage[p].Count);
        int handled = selected.Where(done.ContainsKey).Sum(p => byPackage[p].Count);
        int alreadyDone = selected.Count(done.ContainsKey);
        int built = 0;
        var failed = new List<(string, string)>();
        if (selected.Any(p => !done.ContainsKey(p)))
            MissingToolException.ThrowIfMissing(("dpkg-deb", "dpkg"), ("ffmpeg", "ffmpeg"), ("ffprobe", "ffmpeg"), ("oggdec", "vorbis-tools"));
        foreach (var package in selected)
        {
            if (done.ContainsKey(package)) continue;
            var entries = byPackage[package];
            try
            {
                done[package] = BuildPackage(package, entries, known, handled, total, progress, cancellationToken);
                built++;
                CorpusManifest.Write(ManifestPath, order.Where(done.ContainsKey).SelectMany(p => done[p]));
            }
            catch (GrooveException e) when (e is not MissingToolException)
            {
                cancellationToken.ThrowIfCancellationRequested();
                failed.Add((package, e.Message));
                onPackageFailed?.Invoke(e.Message.StartsWith(package + ":", StringComparison.Ordinal) ? e.Message : $"{package}: {e.Message}");
            }
            handled += entries.Count;
            progress?.Report(new CorpusProgress(handled, total, package, done.TryGetValue(package, out var rows)
                ? $"done: {rows.Count(r => r.Status == CorpusStatus.Cached)} cached, {rows.Count(r => r.Status != CorpusStatus.Cached)} dropped"
                : "failed"));
        }
        DeleteFolderIfEmpty(WorkRoot);
        if (built == 0 && !File.Exists(ManifestPath) && done.Count > 0)
            CorpusManifest.Write(ManifestPath, order.Where(done.ContainsKey).SelectMany(p => done[p]));
        var records = order.Where(p => selected.Contains(p) && done.ContainsKey(p)).SelectMany(p => done[p]).ToList();
        return new CorpusSummary(records, built, alreadyDone, failed);
    }

    private IReadOnlyList<CorpusRecord> BuildPackage(string package, IReadOnlyList<MusicListEntry> entries, KnownAudio known,
        int handled, int total, IProgress<CorpusProgress>? progress, CancellationToken ct)
    {
        progress?.Report(new CorpusProgress(handled, total, package, "fetching"));
        var deb = _source.Fetch(package, ct);
        ct.ThrowIfCancellationRequested();
        var work = Path.Combine(WorkRoot, package);
        DeleteFolder(work);
        try
        {
            progress?.Report(new CorpusProgress(handled, total, package, "extracting"));
            var found = DebExtractor.Extract(deb, entries, work, ct);
            var names = CacheNames(entries);
            var rows = new List<CorpusRecord>(entries.Count);
            foreach (var entry in entries)
            {
                ct.ThrowIfCancellationRequested();
                progress?.Report(new CorpusProgress(handled + rows.Count, total, package, "decoding " + Path.GetFileName(entry.Path)));
                var row = BuildOne(entry, found.GetValueOrDefault(entry), $"audio/{package}/{names[entry]}.wav", known, ct);
                known.Add(row);
                rows.Add(row);
            }
            CorpusManifest.WritePackageState(StatePath(package), rows);
            _source.Release(package, deb);
            return rows;
        }
        finally
        {
            DeleteFolder(work);
        }
    }

    private CorpusRecord BuildOne(MusicListEntry entry, string? local, string cached, KnownAudio known, CancellationToken ct)
    {
        var output = Path.Combine(_dir, cached);
        var warnings = new List<string>();
        float[]? samples = null;
        bool reused = false;
        if (File.Exists(output))
        {
            // Written by a run that stopped inside this package: keep it when it is what this run would write.
            try
            {
                var wav = AudioFile.Load(output, new AudioLoadOptions { MaxDuration = _options.MaxDuration, CancellationToken = ct });
                if (wav.SampleRate == _options.SampleRate && wav.ChannelCount == 1) { samples = wav.Channels[0]; reused = true; }
            }
            catch (GrooveException) { }
            if (!reused) File.Delete(output);
        }
        if (samples is null)
        {
            if (local is null)
                return Dropped(entry, CorpusStatus.Missing, entry.IsInArchive ? "not in any zip archive of the package" : "not in the package");
            try
            {
                var audio = AudioFile.Load(local, new AudioLoadOptions
                {
                    SampleRate = _options.SampleRate,
                    Mono = true,
                    MaxDuration = _options.MaxDuration,
                    CancellationToken = ct,
                }, w => warnings.Add(w));
                samples = audio.Channels[0];
            }
            catch (GrooveException e)
            {
                ct.ThrowIfCancellationRequested();
                return Dropped(entry, CorpusStatus.Corrupt, e.Message.Replace(local, entry.Path, StringComparison.Ordinal));
            }
            QuantizeTo16Bit(samples); // what the WAV will hold: a resumed run measures the same numbers
        }

        double seconds = samples.Length / (double)_options.SampleRate;
        double rmsDb = RmsDb(samples);
        var notes = string.Join("; ", warnings.Where(w => !w.Contains(" is silent", StringComparison.Ordinal))
            .Select(w => w.Replace(local ?? "\0", entry.Path, StringComparison.Ordinal)));
        CorpusRecord Drop(CorpusStatus status, string reason)
        {
            if (reused) File.Delete(output);
            return new CorpusRecord(entry.Package, entry.Path, null, seconds, rmsDb, status, reason);
        }
        if (rmsDb < _options.SilenceDb)
            return Drop(CorpusStatus.Silent, string.Create(CultureInfo.InvariantCulture, $"level {rmsDb:F1} dBFS is below {_options.SilenceDb:F1}"));
        var hash = Hash(samples);
        if (known.SameAudio(hash) is { } same)
            return Drop(CorpusStatus.Duplicate, $"the same audio as {same}");
        var fingerprint = AudioFingerprint.Compute(samples, _options.SampleRate);
        if (known.MostSimilar(fingerprint) is ({ } similar, var score) && score >= _options.NearDuplicateSimilarity)
            return Drop(CorpusStatus.Duplicate, string.Create(CultureInfo.InvariantCulture, $"a near duplicate of {similar} (similarity {score:F3})"));

        if (!reused)
            WavWriter.Write(output, AudioBuffer.FromMono(samples, _options.SampleRate), WavSampleFormat.Pcm16);
        return new CorpusRecord(entry.Package, entry.Path, cached, seconds, rmsDb, CorpusStatus.Cached, notes)
        {
            AudioHash = hash,
            Fingerprint = fingerprint,
        };
    }

    private static CorpusRecord Dropped(MusicListEntry entry, CorpusStatus status, string reason) =>
        new(entry.Package, entry.Path, null, 0, SilenceFloorDb, status, reason);

    /// <summary>
    /// Cache names: the file name without its extension (characters other than letters, digits and <c>._+-</c>
    /// become '_'); where two recordings of a package would share one, their whole paths (with '_' for '/'), and the
    /// extension too if still needed. Depends only on the list, so a resumed run picks the same names.
    /// </summary>
    internal static Dictionary<MusicListEntry, string> CacheNames(IReadOnlyList<MusicListEntry> entries)
    {
        static string Safe(string s) => new(s.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '+' or '-' ? c : '_').ToArray());
        string Inner(MusicListEntry e) => e.ArchiveMember ?? e.PackageFile!;
        var names = new Dictionary<MusicListEntry, string>();
        Func<MusicListEntry, string>[] schemes =
        [
            e => Safe(Path.GetFileNameWithoutExtension(Inner(e))),
            e => Safe(Path.ChangeExtension(Inner(e), null).Replace('/', '_')),
            e => Safe(Path.ChangeExtension(Inner(e), null).Replace('/', '_') + "_" + Path.GetExtension(Inner(e)).TrimStart('.')),
        ];
        var pending = entries.ToList();
        foreach (var scheme in schemes)
        {
            var taken = new HashSet<string>(names.Values, StringComparer.OrdinalIgnoreCase);
            var groups = pending.GroupBy(e => scheme(e).TrimStart('.') is { Length: > 0 } n ? n : "_", StringComparer.OrdinalIgnoreCase);
            var clashing = new List<MusicListEntry>();
            foreach (var g in groups)
            {
                if (g.Count() == 1 && !taken.Contains(g.Key)) names[g.First()] = g.Key;
                else clashing.AddRange(g);
            }
            pending = clashing;
        }
        for (int i = 0; i < pending.Count; i++) names[pending[i]] = $"{Safe(Inner(pending[i]).Replace('/', '_'))}_{pending[i].Line}";
        return names;
    }

    private static void QuantizeTo16Bit(Span<float> samples)
    {
        foreach (ref float x in samples)
            x = float.IsFinite(x) ? Math.Clamp(MathF.Round(x * 32768f, MidpointRounding.ToEven), -32768f, 32767f) / 32768f : 0f;
    }

    private static double RmsDb(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (var x in samples) sum += (double)x * x;
        double rms = samples.Length > 0 ? Math.Sqrt(sum / samples.Length) : 0;
        return rms > 0 ? Math.Max(SilenceFloorDb, 20 * Math.Log10(rms)) : SilenceFloorDb;
    }

    /// <summary>SHA-256 of the samples as 16-bit little-endian integers (what the WAV holds).</summary>
    private static string Hash(ReadOnlySpan<float> samples)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> block = stackalloc byte[8192];
        for (int start = 0; start < samples.Length; start += block.Length / 2)
        {
            int n = Math.Min(block.Length / 2, samples.Length - start);
            for (int i = 0; i < n; i++)
                BinaryPrimitives.WriteInt16LittleEndian(block[(2 * i)..], (short)Math.Clamp(MathF.Round(samples[start + i] * 32768f), -32768f, 32767f));
            sha.AppendData(block[..(2 * n)]);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private FileStream TakeLock()
    {
        var path = Path.Combine(_dir, ".lock");
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException)
        {
            throw new GrooveException($"{_dir}: another corpus build is writing this folder (lock file {path})");
        }
    }

    /// <summary>Every file of a corpus has one rate: refuse to mix another into it.</summary>
    private void CheckRate()
    {
        var path = Path.Combine(_dir, "rate.txt");
        if (File.Exists(path))
        {
            var text = File.ReadAllText(path).Trim();
            if (text != _options.SampleRate.ToString(CultureInfo.InvariantCulture))
                throw new GrooveException($"{_dir}: holds audio at {text} Hz, not {_options.SampleRate} Hz; choose another folder");
            return;
        }
        AtomicFile.WriteAllText(path, _options.SampleRate.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    private static void DeleteFolderIfEmpty(string path)
    {
        try { if (Directory.Exists(path) && !Directory.EnumerateFileSystemEntries(path).Any()) Directory.Delete(path); }
        catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static void DeleteFolder(string path)
    {
        try { if (Directory.Exists(path)) Directory.Delete(path, recursive: true); }
        catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>The cached recordings' hashes and fingerprints, to find duplicates among.</summary>
    private sealed class KnownAudio
    {
        private readonly Dictionary<string, string> _byHash = new(StringComparer.Ordinal);
        private readonly List<(AudioFingerprint Fingerprint, string Cached)> _fingerprints = [];

        public void Add(CorpusRecord r)
        {
            if (r.Status != CorpusStatus.Cached || r.Cached is null) return;
            if (r.AudioHash is { } h) _byHash.TryAdd(h, r.Cached);
            if (r.Fingerprint is { } f) _fingerprints.Add((f, r.Cached));
        }

        public string? SameAudio(string hash) => _byHash.GetValueOrDefault(hash);

        public (string? Cached, double Similarity) MostSimilar(AudioFingerprint f)
        {
            (string? Cached, double Similarity) best = (null, double.NegativeInfinity);
            foreach (var (g, cached) in _fingerprints)
            {
                double s = f.Similarity(g);
                if (s > best.Similarity) best = (cached, s);
            }
            return best;
        }
    }
}
