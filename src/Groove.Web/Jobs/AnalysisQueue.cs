using System.Threading.Channels;
using Groove.Analysis;
using Groove.Audio;
using Groove.Rhythm;
using Groove.Tonality;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Groove.Web.Jobs;

/// <summary>
/// Runs analyses on a fixed number of workers, fed by a bounded queue. Every upload first reserves a slot (workers +
/// queue capacity in all); when none is free the server answers "busy" at once instead of taking more work than it
/// can hold. At most <c>Workers</c> songs are decoded in memory at any time.
/// </summary>
internal sealed class AnalysisQueue : BackgroundService
{
    private readonly Channel<AnalysisJob> _channel;
    private readonly JobStore _store;
    private readonly Analyzer _analyzer;
    private readonly ILogger _log;
    private readonly int _workers;
    private readonly TimeSpan _maxDuration;
    private readonly int _slots;
    private int _used;
    private long _issued;
    private long _started;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<AnalysisJob, bool> _waiting = new();

    public AnalysisQueue(GrooveWebOptions options, JobStore store, IBeatTracker tracker, IKeyEstimator? keyEstimator, ILogger<AnalysisQueue> log)
    {
        _workers = options.Workers;
        _maxDuration = options.MaxDuration;
        _slots = options.Workers + options.QueueCapacity;
        _channel = Channel.CreateBounded<AnalysisJob>(new BoundedChannelOptions(_slots) { SingleWriter = false, SingleReader = false });
        _store = store;
        _analyzer = new Analyzer(tracker, keyEstimator, new AudioLoadOptions { MaxDuration = options.MaxDuration });
        _log = log;
    }

    /// <summary>Jobs uploading, waiting or running now.</summary>
    public int InUse => Volatile.Read(ref _used);

    /// <summary>Takes a slot for one upload; false when the server is full.</summary>
    public bool TryReserve()
    {
        while (true)
        {
            int used = Volatile.Read(ref _used);
            if (used >= _slots) return false;
            if (Interlocked.CompareExchange(ref _used, used + 1, used) == used) return true;
        }
    }

    /// <summary>Gives back a slot taken by <see cref="TryReserve"/> (after a failed upload, or once a job is finished).</summary>
    public void Release() => Interlocked.Decrement(ref _used);

    /// <summary>Queues a job whose upload holds a slot; the slot is released when the job is finished.</summary>
    public void Enqueue(AnalysisJob job)
    {
        lock (_waiting)
        {
            job.Ticket = ++_issued;
            job.SetQueuePosition((int)(job.Ticket - _started - 1));
            _waiting[job] = true;
            // Cannot fail: the channel holds as many jobs as there are slots.
            if (!_channel.Writer.TryWrite(job)) throw new InvalidOperationException("analysis queue overflow");
        }
    }

    /// <summary>A worker took <paramref name="job"/>: everyone still waiting moves up one place.</summary>
    private void Started(AnalysisJob job)
    {
        lock (_waiting)
        {
            _started = Math.Max(_started, job.Ticket);
            _waiting.TryRemove(job, out _);
            foreach (var waiting in _waiting.Keys)
                waiting.SetQueuePosition((int)Math.Max(0, waiting.Ticket - _started - 1));
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Taken at once (before the first request can look a job up) so that unfinished jobs show as queued.
        var pending = _store.Pending();
        return Task.WhenAll(Enumerable.Range(0, _workers).Select(_ => Task.Run(() => WorkAsync(stoppingToken), CancellationToken.None))
            .Append(Task.Run(() => RequeueStoredAsync(pending, stoppingToken), CancellationToken.None)));
    }

    /// <summary>
    /// Queues again the jobs an earlier run of the server accepted but did not finish (stopped or killed): their
    /// uploads are on disk, and an analysis writes its results atomically, so running one again is safe. They go
    /// first come, first served, each as a slot frees up.
    /// </summary>
    private async Task RequeueStoredAsync(IReadOnlyList<AnalysisJob> pending, CancellationToken ct)
    {
        try
        {
            foreach (var job in pending)
            {
                while (!TryReserve()) await Task.Delay(200, ct);
                _log.LogInformation("re-queued job {Id} left unfinished by an earlier run", job.Id);
                Enqueue(job);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task WorkAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var job in _channel.Reader.ReadAllAsync(ct))
            {
                Started(job);
                try
                {
                    Analyse(job, ct);
                }
                finally
                {
                    Release();
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Decodes the upload, finds beats (and the key), and stores the result; failures end up in the job.</summary>
    internal void Analyse(AnalysisJob job, CancellationToken ct)
    {
        var warnings = new List<string>();
        void Warn(string w)
        {
            lock (warnings) if (warnings.Count < 20) warnings.Add(Clean(w, job));
        }
        try
        {
            job.Update(JobState.Decoding, 0.02);
            var audio = _analyzer.Load(job.InputPath, Warn, ct);
            ct.ThrowIfCancellationRequested();

            double beatsEnd = _analyzer.KeyEstimator is null ? 0.92 : 0.8;
            job.Update(JobState.Beats, 0.1);
            var analysis = _analyzer.Analyze(audio, new StageProgress(job, beatsEnd), Warn, ct);
            var (tracked, key) = (analysis.Beats!, analysis.Key?.Global);

            job.Update(JobState.Saving, 0.95);
            var result = new AnalysisResult(
                job.Name, Math.Round(audio.Duration, 4), audio.SampleRate, audio.ChannelCount, _analyzer.BeatTracker!.Name,
                double.IsFinite(tracked.Tempo) && tracked.Tempo > 0 ? Math.Round(tracked.Tempo, 2) : 0,
                key?.Label, key is null || !double.IsFinite(key.Confidence) ? null : Math.Round(key.Confidence, 3),
                _analyzer.KeyEstimator?.Name,
                // JSON has no NaN, and a marker outside the song means nothing: keep the beats that can be shown.
                tracked.Beats.Where(b => double.IsFinite(b.Time) && b.Time >= 0 && b.Time <= audio.Duration)
                    .Select(b => new ResultBeat(Math.Round(b.Time, 4), b.BeatInBar)).ToList(),
                warnings);
            _store.SaveResult(job.Id, result, WaveformPeaks.From(audio));
            job.Update(JobState.Done, 1);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Nothing is stored: the upload stays on disk and the next start queues it again (JobStore.Pending).
            job.Update(JobState.Failed, 1, "The server stopped before the analysis finished; it resumes when the server starts again.");
        }
        catch (AudioTooLongException e)
        {
            Fail(job, $"{job.Name}: the song is longer than the {Upload.UploadReceiver.Clock(e.Limit.TotalSeconds)} this server analyses.");
        }
        catch (GrooveException e)
        {
            Fail(job, Clean(e.Message, job));
        }
        catch (Exception e) when (e is OutOfMemoryException or InsufficientExecutionStackException)
        {
            Fail(job, "The song is too large to analyse on this server.");
        }
        catch (Exception e)
        {
            _log.LogError(e, "analysis of job {Id} failed", job.Id);
            Fail(job, $"Internal error while analysing the song ({e.GetType().Name}).");
        }
    }

    private void Fail(AnalysisJob job, string message)
    {
        _store.SaveError(job.Id, message);
        job.Update(JobState.Failed, 1, message);
    }

    /// <summary>Messages from the library name the stored file; users should see the name they uploaded instead.</summary>
    private static string Clean(string message, AnalysisJob job) => message.Replace(job.InputPath, job.Name, StringComparison.Ordinal);

    /// <summary>Maps the analysis stages' own [0, 1] progress into the job's (beats 0.1 → <paramref name="beatsEnd"/>, then the key), synchronously.</summary>
    private sealed class StageProgress(AnalysisJob job, double beatsEnd) : IProgress<AnalysisProgress>
    {
        public void Report(AnalysisProgress value)
        {
            if (!double.IsFinite(value.Fraction)) return;
            double f = Math.Clamp(value.Fraction, 0, 1);
            switch (value.Stage)
            {
                case AnalysisStage.Beats: job.Update(JobState.Beats, 0.1 + (beatsEnd - 0.1) * f); break;
                case AnalysisStage.Key: job.Update(JobState.Key, beatsEnd + (0.92 - beatsEnd) * f); break;
            }
        }
    }
}
