namespace Groove.Audio.Decoding;

/// <summary>
/// Audio that arrives through a pipe (standard input, a FIFO) cannot be probed, rewound or handed to ffmpeg by name,
/// so it is first copied into a temporary file (deleted afterwards) and decoded from there. Opening a FIFO blocks
/// until something writes to it; <see cref="Open"/> waits at most <see cref="PipeOpenTimeout"/> for that instead of
/// hanging.
/// </summary>
internal static class StreamSpool
{
    /// <summary>How long opening a file may take before it is given up (only a FIFO with no writer takes long).</summary>
    public static readonly TimeSpan PipeOpenTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The most bytes read from a pipe (4 GiB: 30 minutes of 8-channel 96 kHz 32-bit PCM is 2.8 GB).</summary>
    public const long MaxBytes = 4L << 30;

    /// <summary>Opens <paramref name="path"/> for reading, giving up after <see cref="PipeOpenTimeout"/>.</summary>
    public static FileStream Open(string path, CancellationToken cancellation)
    {
        try
        {
            // A file with a size is a regular file (or a block device): opening it cannot block.
            if (new FileInfo(path).Length > 0) return OpenNow(path);
        }
        catch (UnauthorizedAccessException) { throw new GrooveException($"{path}: permission denied"); }
        catch (IOException e) { throw new GrooveException($"{path}: cannot be read ({e.Message})"); }

        // Size 0: an empty file, a device, or a FIFO, whose open(2) waits for a writer. Open it on a thread of its
        // own (never the thread pool's: a busy pool must not make an ordinary open time out).
        var opened = new TaskCompletionSource<FileStream>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try { opened.SetResult(OpenNow(path)); }
            catch (Exception e) { opened.SetException(e); }
        }) { IsBackground = true, Name = "groove pipe open" };
        thread.Start();
        var open = opened.Task;
        try
        {
            if (!open.Wait(PipeOpenTimeout, cancellation))
            {
                // The thread stays blocked in open(2) until a writer comes; the stream it then opens is closed.
                _ = open.ContinueWith(t => t.Result.Dispose(), TaskContinuationOptions.OnlyOnRanToCompletion);
                throw new GrooveException($"{path}: nothing wrote to this pipe within {PipeOpenTimeout.TotalSeconds:0} s");
            }
            return open.Result;
        }
        catch (AggregateException e) when (e.InnerException is GrooveException g)
        {
            throw new GrooveException(g.Message, g);
        }
    }

    private static FileStream OpenNow(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (UnauthorizedAccessException) { throw new GrooveException($"{path}: permission denied"); }
        catch (FileNotFoundException) { throw new GrooveException($"{path}: no such file"); }
        catch (IOException e) { throw new GrooveException($"{path}: cannot be read ({e.Message})"); }
    }

    /// <summary>Copies <paramref name="stream"/> to a temporary file, runs <paramref name="decode"/> on it, deletes it.
    /// Messages that name the temporary file name <paramref name="name"/> instead.</summary>
    public static T Decode<T>(string name, Stream stream, CancellationToken cancellation, Func<string, T> decode)
    {
        string temp = Path.Combine(Path.GetTempPath(), $"groove-pipe-{Environment.ProcessId}-{Guid.NewGuid():N}.audio");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                var buffer = new byte[1 << 16];
                long total = 0;
                int n;
                while ((n = stream.Read(buffer)) > 0)
                {
                    cancellation.ThrowIfCancellationRequested();
                    total += n;
                    if (total > MaxBytes)
                        throw new GrooveException($"{name}: more than {MaxBytes >> 30} GiB came through the pipe; save it to a file and analyse that");
                    file.Write(buffer, 0, n);
                }
            }
            try
            {
                return decode(temp);
            }
            catch (GrooveException e) when (e.Message.Contains(temp, StringComparison.Ordinal))
            {
                var message = e.Message.Replace(temp, name, StringComparison.Ordinal);
                throw e is AudioTooLongException tooLong ? new AudioTooLongException(message, tooLong.Limit) : new GrooveException(message, e);
            }
        }
        finally
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
