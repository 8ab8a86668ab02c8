using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace Groove.Index;

/// <summary>
/// A read-only file mapped into memory as one <see cref="Memory{T}"/> of bytes (pages are read on first touch and
/// shared by every process that maps the file). Files of 2 GiB or more are refused (a span's length is an int).
/// </summary>
internal sealed unsafe class MappedFile : MemoryManager<byte>
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _pointer;
    private readonly int _length;

    public MappedFile(string path)
    {
        long length = new FileInfo(path).Length;
        if (length >= int.MaxValue) throw new GrooveException($"{path}: {length} bytes; a mapped matrix must be under 2 GiB");
        if (length == 0) throw new GrooveException($"{path}: empty file");
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        byte* p = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _pointer = p + _view.PointerOffset;
        _length = (int)length;
    }

    public override Span<byte> GetSpan() => new(_pointer, _length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

    public override void Unpin() { }

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }

    /// <summary>Unmaps the file.</summary>
    public void Close() => ((IDisposable)this).Dispose();
}
