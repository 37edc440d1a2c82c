using System.Globalization;
using TapeAD.Cli;
using TapeAD.Compiler;
using TapeAD.Nn;
using Xunit;

namespace TapeAD.Tests;

/// <summary>
/// <c>derive</c> streams its file in blocks: the results are the same as evaluating every row alone,
/// across block boundaries and thread counts, and every failure still leaves no output behind.
/// </summary>
public sealed class CliStreamingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tapead-stream-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Rows for more than two blocks of the seed network's value (16,384 rows a block).</summary>
    private const int ManyRows = 40_000;

    private string WriteRows(string name, int rows, int seed, Func<int, string>? line = null)
    {
        var random = new Random(seed);
        string path = Path.Combine(_dir, name);
        using var w = new StreamWriter(path);
        for (int n = 0; n < rows; n++)
            w.WriteLine(line?.Invoke(n) ?? Csv.FormatRow(Enumerable.Range(0, 5).Select(_ => 4 * random.NextDouble() - 2).ToArray()));
        return path;
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CommandLine.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private string[] LeftInDirectory() => Directory.GetFiles(_dir).Select(Path.GetFileName).ToArray()!;

    [Fact]
    public void every_row_of_a_file_of_several_blocks_equals_its_own_evaluation_on_any_thread_count()
    {
        string inputs = WriteRows("x.csv", ManyRows, 1);
        var value = BuiltinModels.Seed().ToFunction().Compile();
        var outputs = new List<string[]>();
        foreach (var threads in new[] { "1", "2", "3" })
        {
            string output = Path.Combine(_dir, $"y{threads}.csv");
            var (code, _, err) = Run("derive", "--model", "builtin:seed", "--query", "value", "--inputs", inputs, "--out", output, "--threads", threads);
            Assert.True(code == 0, err);
            Assert.Equal("", err); // a StringWriter is not a terminal: no progress line
            outputs.Add(File.ReadAllLines(output));
        }
        var lines = File.ReadAllLines(inputs);
        Assert.Equal(ManyRows, outputs[0].Length);
        foreach (int n in new[] { 0, 1, 16_383, 16_384, 16_385, 32_767, 32_768, ManyRows - 1 })
        {
            var x = lines[n].Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(Csv.FormatRow(value.Evaluate(x)), outputs[0][n]);
        }
        Assert.Equal(outputs[0], outputs[1]);
        Assert.Equal(outputs[0], outputs[2]);
    }

    [Fact]
    public void a_bad_line_in_a_later_block_is_named_and_leaves_an_existing_out_untouched()
    {
        string inputs = WriteRows("x.csv", ManyRows, 2, n => n == 35_000 ? "0.1,0.2,oops,0.4,0.5" : null!);
        string output = Path.Combine(_dir, "y.csv");
        File.WriteAllText(output, "previous results\n");
        foreach (var args in new[] { new[] { "--out", output }, [] })
        {
            var (code, stdout, err) = Run(["derive", "--model", "builtin:seed", "--query", "jacobian", "--inputs", inputs, .. args]);
            Assert.Equal(CommandLine.BadInput, code);
            Assert.Contains("x.csv line 35001, field 3: expected a number, got 'oops'", err);
            Assert.Equal("", stdout);
            Assert.Equal("previous results\n", File.ReadAllText(output));
            Assert.Equal(["x.csv", "y.csv"], LeftInDirectory().Order());
        }
    }

    [Fact]
    public void the_first_bad_line_is_reported_when_several_blocks_and_chunks_have_one()
    {
        var bad = new HashSet<int> { 30_000, 20_001, 39_999 };
        string inputs = WriteRows("x.csv", ManyRows, 3, n => bad.Contains(n) ? "1,2" : null!);
        var (code, _, err) = Run("derive", "--model", "builtin:seed", "--query", "value", "--inputs", inputs, "--threads", "2");
        Assert.Equal(CommandLine.BadInput, code);
        Assert.Contains("line 20002: expected 5 numbers, got 2", err);
    }

    [Theory]
    [InlineData("same")]
    [InlineData("dot")]
    [InlineData("parent")]
    [InlineData("linked directory")]
    [InlineData("linked file")]
    public void an_out_that_is_the_inputs_file_is_refused_however_it_is_spelled(string spelling)
    {
        string inputs = WriteRows("x.csv", 3, 4);
        string before = File.ReadAllText(inputs);
        string sub = Directory.CreateDirectory(Path.Combine(_dir, "sub")).FullName;
        string output = spelling switch
        {
            "same" => inputs,
            "dot" => Path.Combine(_dir, ".", "x.csv"),
            "parent" => Path.Combine(sub, "..", "x.csv"),
            "linked directory" => Path.Combine(Directory.CreateSymbolicLink(Path.Combine(_dir, "alias"), _dir).FullName, "x.csv"),
            _ => File.CreateSymbolicLink(Path.Combine(_dir, "link.csv"), inputs).FullName,
        };
        var (code, _, err) = Run("derive", "--model", "builtin:seed", "--query", "value", "--inputs", inputs, "--out", output);
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("is the same file as --inputs", err);
        Assert.Equal(before, File.ReadAllText(inputs));
    }

    [Fact]
    public void an_out_that_is_the_vectors_file_is_refused()
    {
        string inputs = WriteRows("x.csv", 3, 5), vectors = WriteRows("v.csv", 3, 6);
        var (code, _, err) = Run("derive", "--model", "builtin:seed", "--query", "hvp", "--inputs", inputs, "--vectors", vectors, "--out", vectors);
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("is the same file as --vectors", err);
    }

    [Theory]
    [InlineData("1e400", "field 2: 1e400 is beyond the range of a double")]
    [InlineData("-1E+309", "field 2: -1E+309 is beyond the range of a double")]
    public void csv_numbers_that_overflow_are_refused_like_model_files(string number, string message)
    {
        string inputs = WriteRows("x.csv", 2, 7, n => n == 1 ? $"0.5,{number},0,0,0" : null!);
        var (code, _, err) = Run("derive", "--model", "builtin:seed", "--query", "value", "--inputs", inputs);
        Assert.Equal(CommandLine.BadInput, code);
        Assert.Contains($"x.csv line 2, {message}", err);
        Assert.Contains("write Infinity or -Infinity", err);
    }

    [Fact]
    public void spelled_out_infinities_and_nan_are_inputs_that_propagate()
    {
        string inputs = WriteRows("x.csv", 1, 8, _ => "Infinity,-Infinity,NaN,0,1e-320");
        var (code, stdout, err) = Run("derive", "--model", "builtin:seed", "--query", "value", "--inputs", inputs);
        Assert.True(code == 0, err);
        var expected = BuiltinModels.Seed().ToFunction().Compile().Evaluate([double.PositiveInfinity, double.NegativeInfinity, double.NaN, 0, 1e-320]);
        Assert.Equal(Csv.FormatRow(expected), stdout.TrimEnd('\n'));
    }

    [Fact]
    public void an_unwritable_out_is_named_as_given_never_as_the_hidden_temporary_file()
    {
        string inputs = WriteRows("x.csv", 2, 9);
        string missing = Path.Combine(_dir, "no-such-dir", "y.csv");
        var (code, _, err) = Run("derive", "--model", "builtin:seed", "--query", "value", "--inputs", inputs, "--out", missing);
        Assert.Equal(CommandLine.BadInput, code);
        Assert.Contains($"{missing}: cannot write the output", err);
        Assert.DoesNotContain(".tapead-", err);
        Assert.DoesNotContain(".tmp", err);

        string directory = Directory.CreateDirectory(Path.Combine(_dir, "out-dir")).FullName;
        (code, _, err) = Run("derive", "--model", "builtin:seed", "--query", "value", "--inputs", inputs, "--out", directory);
        Assert.Equal(CommandLine.BadInput, code);
        Assert.Contains($"{directory}: is a directory", err);
        Assert.Equal(["x.csv"], LeftInDirectory());
    }

    [Theory]
    [InlineData(ManyRows - 1, "expected 40000 lines (one vector per input line), got 39999")]
    [InlineData(ManyRows + 2, "expected 40000 lines (one vector per input line), got 40002")]
    public void a_vectors_file_of_another_length_is_refused_with_both_counts(int vectorRows, string message)
    {
        string inputs = WriteRows("x.csv", ManyRows, 10), vectors = WriteRows("v.csv", vectorRows, 11);
        string output = Path.Combine(_dir, "y.csv");
        var (code, _, err) = Run("derive", "--model", "builtin:seed", "--query", "hvp", "--inputs", inputs, "--vectors", vectors, "--out", output);
        Assert.Equal(CommandLine.BadInput, code);
        Assert.Contains($"v.csv: {message}", err);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void blank_lines_are_allowed_only_at_the_end()
    {
        string trailing = WriteRows("t.csv", 2, 12, n => n == 1 ? "1,2,3,4,5\n\n  \n" : null!);
        var (code, stdout, err) = Run("derive", "--model", "builtin:seed", "--query", "value", "--inputs", trailing);
        Assert.True(code == 0, err);
        Assert.Equal(2, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        string middle = WriteRows("m.csv", 3, 13, n => n == 1 ? "  " : null!);
        (code, _, err) = Run("derive", "--model", "builtin:seed", "--query", "value", "--inputs", middle);
        Assert.Equal(CommandLine.BadInput, code);
        Assert.Contains("m.csv line 2: expected 5 numbers, got 0", err);
    }

    [Theory]
    [InlineData("0", "--threads expects at least 1, got 0")]
    [InlineData("-1", "--threads expects a non-negative integer, got '-1'")]
    [InlineData("two", "--threads expects a non-negative integer, got 'two'")]
    public void a_thread_count_below_one_is_a_usage_error(string threads, string message)
    {
        string inputs = WriteRows("x.csv", 1, 14);
        var (code, _, err) = Run("derive", "--model", "builtin:seed", "--query", "value", "--inputs", inputs, "--threads", threads);
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains(message, err);
    }

    [Fact]
    public void progress_shows_rows_rate_and_time_left_and_nothing_without_a_terminal()
    {
        var terminal = new StringWriter();
        var progress = new Progress(terminal);
        Thread.Sleep(600);
        progress.Update(1000, 0.25);
        progress.Update(2000, 0.5); // within half a second of the last: not shown
        progress.Finish();
        string shown = terminal.ToString();
        Assert.StartsWith("\r1,000 rows, ", shown);
        Assert.Matches(@"rows/s, 25 ?% read, 0:0\d left", shown);
        Assert.DoesNotContain("2,000", shown);
        Assert.EndsWith(Environment.NewLine, shown);

        var silent = new Progress(null);
        silent.Update(1000, 0.5);
        silent.Finish(); // nothing to write to, nothing thrown
    }

    /// <summary>A named pipe the test writes to: <c>derive</c> reads it like a file whose end has not come yet.</summary>
    private string MakePipe(string name)
    {
        string path = Path.Combine(_dir, name);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path])) mkfifo.WaitForExit();
        return path;
    }

    private static string SeedLines(int rows, int seed)
    {
        var random = new Random(seed);
        return string.Concat(Enumerable.Range(0, rows).Select(_ => Csv.FormatRow(Enumerable.Range(0, 5).Select(_ => 4 * random.NextDouble() - 2).ToArray()) + "\n"));
    }

    [Fact]
    public void inputs_from_a_pipe_stream_through_with_the_same_results()
    {
        if (OperatingSystem.IsWindows()) return; // named pipes are made with mkfifo(1)
        string pipe = MakePipe("x.pipe"), output = Path.Combine(_dir, "y.csv");
        string lines = SeedLines(20_000, 16);
        var writer = Task.Run(() => File.WriteAllText(pipe, lines));
        var (code, _, err) = Run("derive", "--model", "builtin:seed", "--query", "value", "--inputs", pipe, "--out", output);
        writer.Wait();
        Assert.True(code == 0, err);
        string file = Path.Combine(_dir, "x.csv");
        File.WriteAllText(file, lines);
        var fromFile = Run("derive", "--model", "builtin:seed", "--query", "value", "--inputs", file);
        Assert.Equal(fromFile.Out, File.ReadAllText(output));
    }

    [Fact]
    public void an_interrupted_run_leaves_no_temporary_file_and_no_output()
    {
        if (OperatingSystem.IsWindows()) return; // SIGTERM is sent with kill(1) below
        string pipe = MakePipe("x.pipe"), output = Path.Combine(_dir, "y.csv");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "tapead.dll"), "derive", "--model", "builtin:seed", "--query", "hessian",
                "--inputs", pipe, "--out", output },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        // More than a block of rows, then the pipe stays open: the run has written some rows and waits for more.
        using (var feed = new StreamWriter(pipe))
        {
            feed.Write(SeedLines(20_000, 17));
            feed.Flush();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (Directory.GetFiles(_dir, ".tapead-*") is not [var temp] || new FileInfo(temp).Length == 0)
            {
                Assert.False(process.HasExited, $"ended before it was interrupted: {process.StandardError.ReadToEnd()}");
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "wrote nothing in 60 s");
                Thread.Sleep(20);
            }
            using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])) kill.WaitForExit();
            Assert.True(process.WaitForExit(30_000), "did not end after SIGTERM");
        }
        Assert.Equal(["x.pipe"], LeftInDirectory());
    }
}
