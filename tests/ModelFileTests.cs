using TapeAD.Nn;
using Xunit;

namespace TapeAD.Tests;

public class ModelFileTests
{
    private const string Valid =
        """{"name":"tiny","layers":[{"in":2,"out":1,"activation":"tanh","W":[[0.5,-1.25]],"b":[0.1]},{"in":1,"out":2,"activation":"identity","W":[[1],[2]],"b":[0,-3]}]}""";

    [Fact]
    public void Writes_the_documented_format()
    {
        var chain = new Chain("tiny", new Dense[]
        {
            new(2, 1, Activation.Tanh, [0.5, -1.25], [0.1]),
            new(1, 2, Activation.Identity, [1, 2], [0, -3]),
        });
        Assert.Equal(Valid, ModelFile.ToJson(chain));
    }

    [Fact]
    public void Reads_the_documented_format()
    {
        var chain = ModelFile.Parse(Valid);
        Assert.Equal("tiny", chain.Name);
        Assert.Equal(2, chain.Layers.Count);
        Assert.Equal(Activation.Tanh, chain.Layers[0].Activation);
        Assert.Equal([0.5, -1.25], chain.Layers[0].Weights.ToArray());
        Assert.Equal([1.0, 2.0], chain.Layers[1].Weights.ToArray());
        Assert.Equal([0.0, -3.0], chain.Layers[1].Bias.ToArray());
    }

    [Theory]
    [InlineData("seed")]
    [InlineData("small-deep")]
    [InlineData("pinn")]
    [InlineData("wide")]
    public void Save_then_load_gives_the_same_bits(string name)
    {
        var chain = BuiltinModels.Get(name);
        string path = Path.Combine(Path.GetTempPath(), $"tapead-{name}-{Guid.NewGuid():N}.json");
        try
        {
            ModelFile.Save(chain, path);
            var loaded = ModelFile.Load(path);
            Assert.Equal(chain.ToString(), loaded.ToString());
            Assert.Equal(NnAssert.ParameterBits(chain), NnAssert.ParameterBits(loaded));
            Assert.Equal(ModelFile.ToJson(chain), ModelFile.ToJson(loaded));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Extreme_parameters_round_trip_exactly()
    {
        double[] w = [-0.0, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, 0.1, 1.0 / 3, 2.2250738585072014E-308];
        var chain = new Chain("extreme", [new Dense(w.Length, 1, Activation.Sin, w, [-0.0])]);
        var loaded = ModelFile.Parse(ModelFile.ToJson(chain));
        Assert.Equal(NnAssert.ParameterBits(chain), NnAssert.ParameterBits(loaded));
    }

    [Fact]
    public void Missing_file_is_an_IO_error() =>
        Assert.Throws<FileNotFoundException>(() => ModelFile.Load(Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.json")));

    [Fact]
    public void Malformed_file_message_names_the_path()
    {
        string path = Path.Combine(Path.GetTempPath(), $"tapead-bad-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, "{\"name\":\"x\"}");
            var e = Assert.Throws<FormatException>(() => ModelFile.Load(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("\"layers\"", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Each case: the file, then fragments its message must contain.</summary>
    public static TheoryData<string, string[]> Malformed => new()
    {
        { "{\"name\":\"x\",", ["invalid JSON"] },
        { "[1,2]", ["JSON object", "name, layers", "an array"] },
        { "{\"layers\":[]}", ["missing field", "\"name\""] },
        { "{\"name\":\"x\"}", ["missing field", "\"layers\""] },
        { "{\"name\":7,\"layers\":[]}", ["field \"name\"", "non-empty string", "the number 7"] },
        { "{\"name\":\"x\",\"layers\":[]}", ["field \"layers\"", "at least one layer", "empty"] },
        { "{\"name\":\"x\",\"layers\":{}}", ["field \"layers\"", "array of layers", "an object"] },
        { "{\"name\":\"x\",\"layers\":[],\"version\":2}", ["unexpected field \"version\"", "name, layers"] },
        { "{\"name\":\"x\",\"name\":\"y\",\"layers\":[]}", ["\"name\"", "more than once"] },
        { Model("5"), ["layer 0", "a layer as a JSON object", "the number 5"] },
        { Model("""{"in":2,"out":1,"activation":"tanh","b":[0]}"""), ["layer 0", "missing field", "\"W\""] },
        { Model("""{"in":2,"activation":"tanh","b":[0]}"""), ["layer 0", "missing fields", "\"out\"", "\"W\""] },
        { Model("""{"in":2,"out":1,"activation":"tanh","W":[[1,2]],"b":[0],"bias":[0]}"""), ["layer 0", "unexpected field \"bias\"", "in, out, activation, W, b"] },
        { Model("""{"in":2.5,"out":1,"activation":"tanh","W":[[1,2]],"b":[0]}"""), ["layer 0", "field \"in\"", "whole number", "2.5"] },
        { Model("""{"in":0,"out":1,"activation":"tanh","W":[[]],"b":[0]}"""), ["layer 0", "field \"in\"", "at least 1", "0"] },
        { Model("""{"in":2,"out":"1","activation":"tanh","W":[[1,2]],"b":[0]}"""), ["layer 0", "field \"out\"", "whole number", "a string \"1\""] },
        { Model("""{"in":2,"out":1,"activation":"swish","W":[[1,2]],"b":[0]}"""), ["layer 0", "field \"activation\"", "\"swish\"", "identity", "leaky_relu", "sin"] },
        { Model("""{"in":2,"out":1,"activation":3,"W":[[1,2]],"b":[0]}"""), ["layer 0", "field \"activation\"", "the number 3", "gelu"] },
        { Model("""{"in":2,"out":2,"activation":"tanh","W":[[1,2]],"b":[0,0]}"""), ["layer 0", "field \"W\"", "expected 2 rows", "got 1"] },
        { Model("""{"in":2,"out":1,"activation":"tanh","W":[1,2],"b":[0]}"""), ["layer 0", "field \"W\"", "expected 1 rows", "got 2"] },
        { Model("""{"in":2,"out":1,"activation":"tanh","W":[[1,2,3]],"b":[0]}"""), ["layer 0", "field \"W\", row 0", "expected 2 numbers", "got 3"] },
        { Model("""{"in":2,"out":2,"activation":"tanh","W":[[1,2],7],"b":[0,0]}"""), ["layer 0", "field \"W\", row 1", "array of 2 numbers", "the number 7"] },
        { Model("""{"in":2,"out":1,"activation":"tanh","W":[[1,"x"]],"b":[0]}"""), ["layer 0", "field \"W\", row 0, element 1", "finite number", "a string \"x\""] },
        { Model("""{"in":2,"out":1,"activation":"tanh","W":[[1,1e400]],"b":[0]}"""), ["layer 0", "row 0, element 1", "finite number", "1e400"] },
        { Model("""{"in":2,"out":1,"activation":"tanh","W":[[1,null]],"b":[0]}"""), ["row 0, element 1", "finite number", "got null"] },
        { Model("""{"in":2,"out":1,"activation":"tanh","W":[[1,2]],"b":[0,1]}"""), ["layer 0", "field \"b\"", "expected 1 numbers", "got 2"] },
        { Model("""{"in":2,"out":1,"activation":"tanh","W":[[1,2]],"b":[true]}"""), ["layer 0", "field \"b\", element 0", "finite number", "the boolean true"] },
        {
            Model("""{"in":2,"out":3,"activation":"tanh","W":[[1,2],[1,2],[1,2]],"b":[0,0,0]}""",
                  """{"in":2,"out":1,"activation":"identity","W":[[1,2]],"b":[0]}"""),
            ["layer 1", "field \"in\"", "expected 3", "\"out\" of layer 0", "got 2"]
        },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_model_says_what_and_where(string json, string[] fragments)
    {
        var e = Assert.Throws<FormatException>(() => ModelFile.Parse(json));
        Assert.StartsWith("model JSON", e.Message);
        foreach (string fragment in fragments) Assert.Contains(fragment, e.Message);
    }

    private static string Model(params string[] layers) => $$"""{"name":"x","layers":[{{string.Join(",", layers)}}]}""";
}
