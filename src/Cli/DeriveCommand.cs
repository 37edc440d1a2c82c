using System.Text;

namespace TapeAD.Cli;

/// <summary><c>tapead derive</c>: one query of one model at every input line of a CSV file.</summary>
public static class DeriveCommand
{
    /// <summary>Runs the command. Everything is read and computed before anything is written,
    /// so a bad line leaves no partial output.</summary>
    public static int Run(Options options, TextWriter stdout)
    {
        string modelSpec = options.Required("model");
        string queryName = options.Required("query");
        string inputsPath = options.Required("inputs");
        string? vectorsPath = options.Optional("vectors");
        int? outputIndex = options.OptionalIndex("output-index");
        string? outPath = options.Optional("out");
        options.RejectUnknown("derive");
        if (queryName == "hvp" && vectorsPath == null) throw new UsageException("hvp needs --vectors V.csv");
        if (queryName != "hvp" && vectorsPath != null) throw new UsageException($"--vectors applies to hvp, not to {queryName}");

        var model = ModelSource.Load(modelSpec);
        int d = model.InputLength;
        // Every line is read and checked before any work, so a bad line costs nothing and writes nothing.
        var inputs = Csv.ReadRows(inputsPath, d);
        var vectors = vectorsPath == null ? null : Csv.ReadRows(vectorsPath, d);
        if (vectors != null && vectors.Count != inputs.Count)
            throw new InvalidDataException($"{vectorsPath}: expected {inputs.Count} lines (one vector per input line), got {vectors.Count}");

        var query = Query.Compile(model, queryName, outputIndex);
        int rowLength = query.InputLength;
        var batch = new double[inputs.Count * rowLength];
        for (int n = 0; n < inputs.Count; n++)
        {
            inputs[n].CopyTo(batch, n * rowLength);
            vectors?[n].CopyTo(batch, n * rowLength + d);
        }
        var results = new double[inputs.Count * query.OutputLength];
        query.EvaluateBatch(batch, results);
        var text = new StringBuilder();
        for (int n = 0; n < inputs.Count; n++)
            text.AppendLine(Csv.FormatRow(results.AsSpan(n * query.OutputLength, query.OutputLength)));
        if (outPath == null) stdout.Write(text.ToString());
        else Csv.WriteAtomically(outPath, text.ToString());
        return CommandLine.Ok;
    }
}
