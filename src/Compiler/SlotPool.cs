namespace TapeAD.Compiler;

/// <summary>Hands out small integer slots (locals, scratch cells, registers), reusing freed ones
/// first so the number in use tracks the number of values live at once, not the graph size.</summary>
internal sealed class SlotPool
{
    private readonly Stack<int> _free = new();

    /// <summary>How many distinct slots have ever been handed out.</summary>
    public int Count { get; private set; }

    public int Rent() => _free.Count > 0 ? _free.Pop() : Count++;

    public void Return(int slot) => _free.Push(slot);
}
