using TapeAD.Tape;

namespace TapeAD.Compiler;

/// <summary>One step of the interpreted backend: computes <see cref="Op"/> from registers
/// <see cref="A"/>, <see cref="B"/>, <see cref="C"/> (or reads constant <see cref="K"/>, or input
/// number <see cref="K"/>) into register <see cref="Target"/>. Kept to 32 bytes: a million-node
/// graph streams its instructions from memory on every call.</summary>
internal readonly record struct Instruction(Op Op, int Target, int A, int B, int C, double K);
