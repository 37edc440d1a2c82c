namespace TapeAD.Cli;

/// <summary><c>tapead derive</c>: one query of one model at every input line of a CSV file.</summary>
public static class DeriveCommand
{
    /// <summary>
    /// Runs the command, streaming: blocks of lines are read, evaluated on all cores and written as
    /// they come, so memory stays a block's worth whatever the file's size. The output goes to a
    /// temporary file published only at the end, so a bad line leaves no partial output.
    /// </summary>
    /// <param name="options">The command's options.</param>
    /// <param name="stdout">Where the results go without <c>--out</c>.</param>
    /// <param name="progress">A terminal for the progress line, or null for none.</param>
    public static int Run(Options options, TextWriter stdout, TextWriter? progress = null)
    {
        string modelSpec = options.Required("model");
        string queryName = options.Required("query");
        string inputsPath = options.Required("inputs");
        string? vectorsPath = options.Optional("vectors");
        int? outputIndex = options.OptionalIndex("output-index");
        string? outPath = options.Optional("out");
        int threads = options.OptionalIndex("threads") ?? Environment.ProcessorCount;
        options.RejectUnknown("derive");
        if (threads < 1) throw new UsageException($"option --threads expects at least 1, got {threads}");
        if (queryName == "hvp" && vectorsPath == null) throw new UsageException("hvp needs --vectors V.csv");
        if (queryName != "hvp" && vectorsPath != null) throw new UsageException($"--vectors applies to hvp, not to {queryName}");
        foreach (var (option, path) in new[] { ("--inputs", inputsPath), ("--vectors", vectorsPath) })
            if (outPath != null && path != null && FilePaths.Same(outPath, path))
                throw new UsageException($"--out '{outPath}' is the same file as {option} '{path}', which the results would replace");

        var model = ModelSource.Load(modelSpec);
        int d = model.InputLength;
        var query = Query.Compile(model, queryName, outputIndex);

        using var inputs = new CsvLines(inputsPath, d);
        using var vectors = vectorsPath == null ? null : new CsvLines(vectorsPath, d);
        using var output = OutputFile.Create(outPath);
        var batch = new DeriveBatch(query, d, vectors != null, threads);
        var report = new Progress(progress);
        long rows = 0;
        int n;
        do
        {
            n = batch.Fill(inputs, vectors);
            if (n > 0) batch.Run(n, output, inputsPath, vectorsPath);
            rows += n;
            report.Update(rows, inputs.Fraction);
        }
        while (n == batch.Capacity);
        report.Finish();
        if (rows == 0) throw new InvalidDataException($"{inputsPath}: expected at least one line of {d} numbers, got an empty file");
        if (vectors != null && vectors.TryRead(out _, out _))
            throw DeriveBatch.CountMismatch(rows, vectors);
        output.Commit(stdout);
        return CommandLine.Ok;
    }
}
