using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using TapeAD.Tape;

namespace TapeAD.Compiler;

/// <summary>
/// The C# text of the primitives' value methods, for emitted source. It is not a second copy: the
/// compiler assembly embeds the very source files of src/Tape that define the values
/// (<c>Primitives.cs</c>, <c>Elementwise.cs</c>, any <c>Kernels/*.cs</c>), and this class cuts out
/// the methods emitted code calls. So a primitive added to the table, or a value method rewritten,
/// reaches emitted code with no edit here, and emitted code computes with the same statements the
/// compiled delegate calls.
/// </summary>
/// <remarks>
/// <c>Primitives.cs</c> also holds the derivative rules, which need the graph, so only its
/// <c>static double Name(double …)</c> methods and <c>const double</c> fields are taken. Every other
/// embedded file holds one type (a static class, or the kernels' lane structs and interface) using only
/// <c>System</c> namespaces and each other; it is copied whole. The copies become private types nested
/// in the emitted class, so the kernels' own namespace is not needed there.
/// </remarks>
internal static class PrimitiveSource
{
    private const string ResourcePrefix = "TapeAD.Compiler.Source.";

    private static readonly Lazy<Library> Sources = new(Load);

    /// <summary>The text calling <paramref name="method"/> in emitted code, e.g. <c>Math.Tanh</c> or
    /// <c>Primitives.Sigmoid</c>.</summary>
    /// <exception cref="NotSupportedException">When the method is neither on <see cref="Math"/> nor in an embedded source file.</exception>
    public static string CallName(MethodInfo method)
    {
        var owner = method.DeclaringType!;
        if (owner == typeof(Math)) return $"Math.{method.Name}";
        var library = Sources.Value;
        if (owner == typeof(Primitives) ? library.Methods.ContainsKey(method.Name) : library.Classes.ContainsKey(owner.Name))
            return $"{owner.Name}.{method.Name}";
        throw new NotSupportedException(
            $"Emitting C#: {owner.FullName}.{method.Name} is neither a Math method nor in the source files embedded in TapeAD.Compiler (src/Tape/Primitives.cs, Elementwise.cs, Kernels/*.cs); embed its file in TapeAD.Compiler.csproj.");
    }

    /// <summary>The nested classes defining every helper the text <paramref name="code"/> calls,
    /// directly or through other helpers, indented for a class body; plus the usings they need.</summary>
    public static (string Classes, IReadOnlyCollection<string> Usings) HelpersFor(string code)
    {
        var library = Sources.Value;
        var methods = new SortedSet<string>(StringComparer.Ordinal);
        var classes = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push(code);
        // A worklist, not recursion: each newly taken helper's text is scanned for the helpers it calls.
        while (pending.Count > 0)
        {
            string text = pending.Pop();
            foreach (var (name, body) in library.Methods)
                if (!methods.Contains(name) && Calls(text, name))
                {
                    methods.Add(name);
                    pending.Push(body);
                }
            foreach (var (name, file) in library.Classes)
                if (!classes.Contains(name) && Regex.IsMatch(text, $@"(?<![\w.]){Regex.Escape(name)}\b"))
                {
                    classes.Add(name);
                    pending.Push(file.Body);
                }
        }

        var output = new StringBuilder();
        var usings = new SortedSet<string>(StringComparer.Ordinal);
        if (methods.Count > 0)
        {
            output.Append("    /// <summary>The primitives' value methods, copied from TapeAD's src/Tape/Primitives.cs.</summary>\n");
            output.Append("    private static class Primitives\n");
            output.Append("    {\n");
            foreach (string field in library.Constants) output.Append(Indent(field, "        "));
            foreach (string name in methods) output.Append(Indent(library.Methods[name], "        "));
            output.Append("    }\n");
        }
        foreach (string name in classes)
        {
            var file = library.Classes[name];
            output.Append($"    // Copied from TapeAD's src/Tape/{file.Path}.\n");
            output.Append(Indent(file.Body, "    "));
            usings.UnionWith(file.Usings);
        }
        return (output.ToString(), usings);
    }

    // Emitted methods call Primitives.Name(…); the value methods call each other unqualified.
    private static bool Calls(string text, string name) =>
        Regex.IsMatch(text, $@"(?:(?<![\w.])|Primitives\.){Regex.Escape(name)}\(");

    private static string Indent(string text, string prefix)
    {
        var sb = new StringBuilder();
        foreach (string line in text.Replace("\r\n", "\n").TrimEnd('\n').Split('\n'))
            sb.Append(line.Length == 0 ? "" : prefix).Append(line).Append('\n');
        return sb.ToString();
    }

    private sealed record SourceFile(string Path, string Body, IReadOnlyList<string> Usings);

    private sealed record Library(Dictionary<string, string> Methods, List<string> Constants, Dictionary<string, SourceFile> Classes);

    private static Library Load()
    {
        var assembly = typeof(PrimitiveSource).Assembly;
        var methods = new Dictionary<string, string>(StringComparer.Ordinal);
        var constants = new List<string>();
        var classes = new Dictionary<string, SourceFile>(StringComparer.Ordinal);
        foreach (string resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            string text = new StreamReader(stream).ReadToEnd().Replace("\r\n", "\n");
            string path = resource[ResourcePrefix.Length..];
            if (path == "Primitives.cs") ReadPrimitives(text, methods, constants);
            else
            {
                var file = ReadClassFile(path, text);
                classes.Add(ClassName(path, file.Body), file);
            }
        }
        if (methods.Count == 0) throw new InvalidOperationException("TapeAD.Compiler was built without the embedded src/Tape/Primitives.cs.");
        return new Library(methods, constants, classes);
    }

    private static readonly Regex ValueMethod = new(
        @"^[ \t]*(?:(?:public|internal|private)\s+)?static\s+double\s+(\w+)\s*\((?:\s*double\s+\w+\s*,?)*\)", RegexOptions.Multiline);

    private static readonly Regex ConstantField = new(
        @"^[ \t]*(?:(?:public|internal|private)\s+)?const\s+double\s+\w+\s*=[^;]*;", RegexOptions.Multiline);

    private static readonly Regex MethodImplLine = new(@"^[ \t]*\[MethodImpl\([^\]]*\)\][ \t]*\n$", RegexOptions.Multiline);

    /// <summary>Cuts every <c>static double F(double …)</c> method (with a <c>[MethodImpl]</c>
    /// attribute on the line above it) and every <c>const double</c> field out of Primitives.cs.</summary>
    private static void ReadPrimitives(string text, Dictionary<string, string> methods, List<string> constants)
    {
        foreach (Match m in ValueMethod.Matches(text))
        {
            int end = MemberEnd(text, m.Index + m.Length);
            int lineAbove = text.LastIndexOf('\n', Math.Max(0, m.Index - 2)) + 1;
            string above = text[lineAbove..m.Index];
            string attribute = MethodImplLine.IsMatch(above) ? above.Trim() + "\n" : "";
            methods.Add(m.Groups[1].Value, attribute + Internal(Unindent(text[m.Index..end])) + "\n");
        }
        foreach (Match m in ConstantField.Matches(text)) constants.Add(Internal(m.Value.Trim()) + "\n");
    }

    private static string Internal(string member) =>
        Regex.Replace(member.TrimStart(), @"^(?:(?:public|internal|private)\s+)?(static|const)\b", "internal $1");

    /// <summary>The end of a member whose header ends at <paramref name="from"/>: past its closing
    /// brace, or past the semicolon of an expression body. Skips comments, strings and characters.</summary>
    private static int MemberEnd(string text, int from)
    {
        int depth = 0;
        for (int i = from; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/') { i = text.IndexOf('\n', i); if (i < 0) break; continue; }
            if (c == '"' || c == '\'')
            {
                for (i++; i < text.Length && text[i] != c; i++) if (text[i] == '\\') i++;
                continue;
            }
            if (c is '{' or '(' or '[') depth++;
            else if (c is ')' or ']') depth--;
            else if (c == '}' && --depth == 0) return i + 1;
            else if (c == ';' && depth == 0) return i + 1;
        }
        throw new InvalidOperationException($"Unterminated member in the embedded Primitives.cs after offset {from}.");
    }

    private static string Unindent(string text)
    {
        var lines = text.Split('\n');
        int indent = lines.Where(l => l.Trim().Length > 0).Skip(1).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        int first = lines[0].Length - lines[0].TrimStart().Length;
        indent = Math.Min(indent, first == 0 ? indent : first);
        return string.Join('\n', lines.Select((l, i) => i == 0 ? l.TrimStart() : l.Length >= indent && l[..indent].Trim().Length == 0 ? l[indent..] : l.TrimStart()));
    }

    private static readonly Regex ClassHeader = new(@"^(?:public|internal)\s+((?:static\s+|readonly\s+|partial\s+)*(?:class|struct|interface)\s+(\w+))", RegexOptions.Multiline);

    /// <summary>A self-contained file: its usings, and its class made private (the namespace line dropped).</summary>
    private static SourceFile ReadClassFile(string path, string text)
    {
        var usings = new List<string>();
        var body = new StringBuilder();
        foreach (string line in text.Split('\n'))
        {
            string trimmed = line.Trim();
            // Another embedded file's namespace: its types become siblings in the emitted class.
            if (trimmed.StartsWith("using TapeAD.Tape", StringComparison.Ordinal) && trimmed.EndsWith(';')) continue;
            if (trimmed.StartsWith("using ", StringComparison.Ordinal) && trimmed.EndsWith(';')) usings.Add(trimmed);
            else if (trimmed.StartsWith("namespace ", StringComparison.Ordinal) && trimmed.EndsWith(';')) continue;
            else body.Append(line).Append('\n');
        }
        string code = ClassHeader.Replace(body.ToString().Trim('\n'), "private $1");
        foreach (string u in usings)
            if (!u.StartsWith("using System", StringComparison.Ordinal) || u.Contains('='))
                throw new InvalidOperationException($"Embedded source {path} uses {u}: emitted code may depend on System namespaces only.");
        return new SourceFile(path, code + "\n", usings);
    }

    private static string ClassName(string path, string body)
    {
        var m = Regex.Match(body, @"private\s+(?:static\s+|readonly\s+|partial\s+)*(?:class|struct|interface)\s+(\w+)");
        return m.Success ? m.Groups[1].Value : throw new InvalidOperationException($"Embedded source {path} holds no type.");
    }
}
