using System.Runtime.CompilerServices;
using TapeAD.Compiler;

// ICompiledQuery moved to TapeAD.Runtime (the floor both levels stand on) with its namespace unchanged;
// code compiled when it was in this assembly looks for it here and is sent on.
[assembly: TypeForwardedTo(typeof(ICompiledQuery))]
