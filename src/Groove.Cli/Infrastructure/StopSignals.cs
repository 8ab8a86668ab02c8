using System.Runtime.InteropServices;

namespace Groove.Cli.Infrastructure;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM (scancel, a pod's eviction, <c>kill</c>) as a cancellation token for the commands
/// that run long — training, corpus building and rendering, batches: the signal does not kill the process, it asks
/// the work to stop at its next safe point (a checkpoint, the end of a track) so what was done is kept and a re-run
/// resumes. Dispose it when the command ends to restore the default handling.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration _terminate;
    private readonly PosixSignalRegistration _interrupt;

    public StopSignals()
    {
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
    }

    /// <summary>Cancelled at the first SIGINT or SIGTERM.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Whether a stop was asked for.</summary>
    public bool StopRequested => _stop.IsCancellationRequested;

    private void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        _stop.Cancel();
    }

    public void Dispose()
    {
        _terminate.Dispose();
        _interrupt.Dispose();
        _stop.Dispose();
    }
}
