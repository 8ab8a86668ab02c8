namespace Groove.Web.Jobs;

/// <summary>Where a job is in its life.</summary>
internal enum JobState { Queued, Decoding, Beats, Key, Saving, Done, Failed }

/// <summary>What a client sees of a job at one moment.</summary>
internal sealed record JobStatus(string Id, string Name, string State, double Progress, string Stage, string? Error, int Version)
{
    public bool Finished => State is "done" or "failed";
}

/// <summary>
/// One uploaded song being analysed: its live state and progress, with a way for any number of listeners (the
/// server-sent events of each open page) to wait for the next change. Thread-safe.
/// </summary>
internal sealed class AnalysisJob
{
    private readonly object _gate = new();
    private JobState _state;
    private double _progress;
    private string? _error;
    private int _version;
    private int _ahead;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public AnalysisJob(string id, string name, string inputPath, DateTimeOffset created, JobState state = JobState.Queued, string? error = null)
    {
        Id = id;
        Name = name;
        InputPath = inputPath;
        Created = created;
        _state = state;
        _error = error;
        _progress = state == JobState.Done ? 1 : 0;
    }

    public string Id { get; }
    /// <summary>The upload's file name, cleaned for display (never used as a path).</summary>
    public string Name { get; }
    public string InputPath { get; }
    public DateTimeOffset Created { get; }

    public JobState State { get { lock (_gate) return _state; } }

    public bool IsFinished => State is JobState.Done or JobState.Failed;

    public JobStatus Status()
    {
        lock (_gate)
            return new JobStatus(Id, Name, _state.ToString().ToLowerInvariant(), Math.Round(_progress, 3), StageText(_state, _ahead), _error, _version);
    }

    /// <summary>Moves to <paramref name="state"/> at overall progress <paramref name="progress"/> in [0, 1].</summary>
    public void Update(JobState state, double progress, string? error = null)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            progress = Math.Clamp(progress, 0, 1);
            // Progress only moves forward, and tiny steps are not worth waking every listener for.
            if (state == _state && error == _error && progress - _progress < 0.005) return;
            _state = state;
            _progress = Math.Max(_progress, progress);
            _error = error;
            _version++;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    /// <summary>Ticket in the analysis queue (set when queued).</summary>
    public long Ticket { get; set; }

    /// <summary>While queued: how many jobs wait ahead of this one.</summary>
    public void SetQueuePosition(int ahead)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (_state != JobState.Queued || ahead == _ahead) return;
            _ahead = ahead;
            _version++;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    /// <summary>Completes when the version moves past <paramref name="seenVersion"/>, or after <paramref name="timeout"/>.</summary>
    public async Task WaitForChangeAsync(int seenVersion, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task changed;
        lock (_gate)
        {
            if (_version != seenVersion) return;
            changed = _changed.Task;
        }
        try
        {
            await changed.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
    }

    private static string StageText(JobState s, int ahead) => s switch
    {
        JobState.Queued => ahead switch
        {
            0 => "Next in line",
            1 => "Waiting (1 song ahead)",
            _ => $"Waiting ({ahead} songs ahead)",
        },
        JobState.Decoding => "Decoding the audio",
        JobState.Beats => "Finding the beats",
        JobState.Key => "Finding the key",
        JobState.Saving => "Saving the results",
        JobState.Done => "Done",
        _ => "Failed",
    };
}
