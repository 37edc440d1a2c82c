using System.Runtime.ExceptionServices;

namespace TapeAD.Runtime;

/// <summary>
/// Persistent worker threads for batch calls (one per core besides the caller), started on first
/// use. A call hands out block numbers from a shared counter; which thread runs a block never
/// changes its result, because blocks are fixed by the batch size alone. Unlike <c>Parallel.For</c>,
/// a call allocates nothing. One batch uses the workers at a time; a concurrent batch runs on its
/// own calling thread.
/// </summary>
internal static class BatchWorkers
{
    private static readonly object Gate = new();
    private static readonly SemaphoreSlim Start = new(0);
    // A semaphore, not a ManualResetEventSlim: the latter allocates its lock object the first time a
    // caller actually has to block, which could happen in any later call.
    private static readonly SemaphoreSlim Done = new(0);
    private static int _started;
    private static IBatchBlocks? _job;
    private static BatchSpan _batch;
    private static int _blocks;
    private static int _next;
    private static int _active;
    private static Exception? _failure;

    /// <summary>Threads a batch uses by default: one per core.</summary>
    public static int DefaultThreads => Environment.ProcessorCount;

    /// <summary>Runs blocks <c>0 .. blocks-1</c> of <paramref name="job"/> on up to <paramref name="maxThreads"/>
    /// threads (at least 1: <see cref="CallShape.RunBatch"/> checks its arguments).</summary>
    public static void Run(IBatchBlocks job, in BatchSpan batch, int blocks, int maxThreads)
    {
        int helpers = Math.Min(Math.Min(maxThreads, DefaultThreads) - 1, blocks - 1);
        if (helpers <= 0 || !Monitor.TryEnter(Gate))
        {
            for (int b = 0; b < blocks; b++) job.RunBlock(batch, b);
            return;
        }
        try
        {
            EnsureStarted();
            _job = job;
            _batch = batch;
            _blocks = blocks;
            _next = -1;
            _failure = null;
            _active = helpers;
            Start.Release(helpers);
            Work();
            Done.Wait();
            _job = null;
            // Rethrown as it was thrown, so a caller sees the same exception whether the block failed on
            // its own thread (a batch run sequentially) or on a worker.
            if (_failure != null) ExceptionDispatchInfo.Throw(_failure);
        }
        finally
        {
            Monitor.Exit(Gate);
        }
    }

    private static void Work()
    {
        var job = _job!;
        int b;
        while ((b = Interlocked.Increment(ref _next)) < _blocks)
        {
            try
            {
                job.RunBlock(_batch, b);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
            }
        }
    }

    private static void EnsureStarted()
    {
        if (_started > 0) return;
        _started = 1;
        for (int i = 0; i < DefaultThreads - 1; i++)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"TapeAD batch worker {i}" };
            thread.Start();
        }
    }

    private static void Loop()
    {
        while (true)
        {
            Start.Wait();
            Work();
            if (Interlocked.Decrement(ref _active) == 0) Done.Release();
        }
    }
}
