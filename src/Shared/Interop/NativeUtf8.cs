using System.Runtime.InteropServices;
using System.Text;

namespace Coven.Interop;

/// <summary>
/// Null-terminated UTF-8 strings and string arrays in native memory for posix_spawn. Everything is allocated
/// before the spawn call and freed after it, so no managed code runs in the child.
/// </summary>
internal sealed unsafe class NativeUtf8 : IDisposable
{
    private readonly List<nint> _allocations = [];

    public byte* String(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("Strings passed to a child process cannot contain NUL characters.", nameof(value));
        }

        var count = Encoding.UTF8.GetByteCount(value);
        var p = (byte*)NativeMemory.Alloc((nuint)count + 1);
        _allocations.Add((nint)p);
        Encoding.UTF8.GetBytes(value, new Span<byte>(p, count));
        p[count] = 0;
        return p;
    }

    public byte** Array(IReadOnlyList<string> values)
    {
        var array = (byte**)NativeMemory.AllocZeroed((nuint)(values.Count + 1), (nuint)sizeof(byte*));
        _allocations.Add((nint)array);
        for (var i = 0; i < values.Count; i++)
        {
            array[i] = String(values[i]);
        }

        return array;
    }

    public void* Zeroed(int size)
    {
        var p = NativeMemory.AllocZeroed((nuint)size);
        _allocations.Add((nint)p);
        return p;
    }

    public void Dispose()
    {
        foreach (var p in _allocations)
        {
            NativeMemory.Free((void*)p);
        }

        _allocations.Clear();
    }
}
