using System.Collections.Concurrent;
using System.Text.Json;
using Groove.IO;

namespace Groove.Web.Jobs;

/// <summary>What is stored beside an upload: its cleaned display name, sniffed format, size and arrival time.</summary>
internal sealed record JobMeta(string Name, string Format, long Bytes, DateTimeOffset Created);

/// <summary>
/// The jobs on disk, one folder per job under <c>DATA/jobs/&lt;id&gt;</c> with fixed file names (<c>input.&lt;format&gt;</c>,
/// <c>meta.json</c>, <c>result.json</c>, <c>waveform.json</c>, <c>error.txt</c>), plus the live jobs of this process.
/// Only validated ids (<see cref="JobId"/>) ever become paths; upload names are never used as paths.
/// </summary>
internal sealed class JobStore
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan StaleUploadAge = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, AnalysisJob> _live = new();

    public JobStore(string dataDirectory)
    {
        Root = Path.Combine(Path.GetFullPath(dataDirectory), "jobs");
        try
        {
            Directory.CreateDirectory(Root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GrooveException($"{dataDirectory}: cannot create the data folder ({e.Message})");
        }
    }

    /// <summary>The folder that holds every job's folder.</summary>
    public string Root { get; }

    public string DirectoryOf(string id) =>
        JobId.IsValid(id) ? Path.Combine(Root, id) : throw new ArgumentException("invalid job id", nameof(id));

    public string MetaPath(string id) => Path.Combine(DirectoryOf(id), "meta.json");
    public string ResultPath(string id) => Path.Combine(DirectoryOf(id), "result.json");
    public string WaveformPath(string id) => Path.Combine(DirectoryOf(id), "waveform.json");
    public string ErrorPath(string id) => Path.Combine(DirectoryOf(id), "error.txt");
    public string InputPath(string id, string format) => Path.Combine(DirectoryOf(id), "input." + format);

    /// <summary>Creates an empty folder for a new job and returns its id.</summary>
    public string CreateJobDirectory()
    {
        while (true)
        {
            var id = JobId.New();
            var dir = DirectoryOf(id);
            if (Directory.Exists(dir)) continue;
            Directory.CreateDirectory(dir);
            return id;
        }
    }

    public void Register(AnalysisJob job, JobMeta meta)
    {
        AtomicFile.WriteAllText(MetaPath(job.Id), JsonSerializer.Serialize(meta, Json));
        _live[job.Id] = job;
    }

    /// <summary>The job with this id: a live one, or one stored by an earlier run; null for unknown, invalid or expired ids.</summary>
    public AnalysisJob? Find(string? id)
    {
        if (!JobId.IsValid(id)) return null;
        if (_live.TryGetValue(id!, out var job)) return job;
        var meta = ReadMeta(id!);
        if (meta is null) return null;
        var input = InputPath(id!, meta.Format);
        if (File.Exists(ResultPath(id!)))
            job = new AnalysisJob(id!, meta.Name, input, meta.Created, JobState.Done);
        else if (File.Exists(ErrorPath(id!)))
            job = new AnalysisJob(id!, meta.Name, input, meta.Created, JobState.Failed, ReadText(ErrorPath(id!)));
        else
            job = new AnalysisJob(id!, meta.Name, input, meta.Created, JobState.Failed, "The analysis was interrupted (the server restarted); please upload the song again.");
        return _live.GetOrAdd(id!, job);
    }

    /// <summary>
    /// The stored jobs with an upload but neither a result nor an error (an earlier run stopped before finishing them),
    /// oldest first, registered as queued so that <see cref="Find"/> shows them waiting.
    /// </summary>
    public IReadOnlyList<AnalysisJob> Pending()
    {
        var pending = new List<AnalysisJob>();
        IEnumerable<string> dirs;
        try { dirs = Directory.EnumerateDirectories(Root).ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return pending; }
        foreach (var dir in dirs)
        {
            var id = Path.GetFileName(dir);
            if (!JobId.IsValid(id) || _live.ContainsKey(id)) continue;
            if (ReadMeta(id) is not { } meta) continue;
            var input = InputPath(id, meta.Format);
            if (!File.Exists(input) || File.Exists(ResultPath(id)) || File.Exists(ErrorPath(id))) continue;
            var job = new AnalysisJob(id, meta.Name, input, meta.Created);
            if (_live.TryAdd(id, job)) pending.Add(job);
        }
        pending.Sort((a, b) => a.Created.CompareTo(b.Created));
        return pending;
    }

    public void SaveResult(string id, AnalysisResult result, WaveformPeaks peaks)
    {
        AtomicFile.WriteAllText(WaveformPath(id), JsonSerializer.Serialize(peaks, Json));
        AtomicFile.WriteAllText(ResultPath(id), JsonSerializer.Serialize(result, Json));
    }

    public AnalysisResult? ReadResult(string id)
    {
        try
        {
            return JsonSerializer.Deserialize<AnalysisResult>(File.ReadAllText(ResultPath(id)), Json);
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }

    public void SaveError(string id, string message)
    {
        try { AtomicFile.WriteAllText(ErrorPath(id), message); }
        catch (IOException) { }
    }

    /// <summary>Deletes a job's folder and forgets it.</summary>
    public void Delete(string id)
    {
        _live.TryRemove(id, out _);
        try
        {
            Directory.Delete(DirectoryOf(id), recursive: true);
        }
        catch (DirectoryNotFoundException) { }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>
    /// Deletes finished jobs older than <paramref name="maxAge"/>, then the oldest finished jobs until all stored jobs
    /// take at most <paramref name="maxBytes"/>, and folders of uploads abandoned for an hour. Jobs still queued or
    /// running are kept. Returns how many jobs were deleted.
    /// </summary>
    public int Clean(DateTimeOffset now, TimeSpan maxAge, long maxBytes)
    {
        var entries = new List<(string Id, DateTimeOffset Created, long Bytes)>();
        int deleted = 0;
        foreach (var dir in Directory.EnumerateDirectories(Root))
        {
            var id = Path.GetFileName(dir);
            if (!JobId.IsValid(id)) continue;
            if (_live.TryGetValue(id, out var live) && !live.IsFinished) continue;
            var meta = ReadMeta(id);
            var created = meta?.Created ?? new DateTimeOffset(Directory.GetLastWriteTimeUtc(dir), TimeSpan.Zero);
            if (meta is null)
            {
                // An upload in progress has no meta yet; one that has had none for an hour was abandoned.
                if (now - created > StaleUploadAge) { Delete(id); deleted++; }
                continue;
            }
            if (now - created > maxAge) { Delete(id); deleted++; continue; }
            entries.Add((id, created, FolderBytes(dir)));
        }
        long total = entries.Sum(e => e.Bytes);
        foreach (var e in entries.OrderBy(e => e.Created))
        {
            if (total <= maxBytes) break;
            Delete(e.Id);
            total -= e.Bytes;
            deleted++;
        }
        return deleted;
    }

    private JobMeta? ReadMeta(string id)
    {
        try
        {
            return JsonSerializer.Deserialize<JobMeta>(File.ReadAllText(MetaPath(id)), Json);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private static string ReadText(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return "The analysis failed."; }
    }

    private static long FolderBytes(string dir)
    {
        long sum = 0;
        try
        {
            foreach (var f in new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories)) sum += f.Length;
        }
        catch (IOException) { }
        return sum;
    }
}
