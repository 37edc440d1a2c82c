using TapeAD.Compiler;
using TapeAD.Layers;
using TapeAD.Nn;
using TapeAD.Tape;
using Xunit;

namespace TapeAD.Tests;

/// <summary>
/// The level the cost model picks for small and mid-width chains (<see cref="CostModel.PrefersScalarGraph"/>):
/// the scalar graph while the tensor executor's steps are too narrow to amortise their cost per block,
/// the executor from about 8 units a layer on, whatever the query's rows.
/// </summary>
public class LevelChoiceTests
{
    private static Chain Deep(int width) =>
        Chain.Random($"3-{width}x3-4", new Random(width), 3,
            (width, Activation.Sigmoid), (width, Activation.Elu), (width, Activation.Tanh), (4, Activation.Identity));

    public static TheoryData<QueryType> Queries =>
        [QueryType.Value, QueryType.Jacobian, QueryType.Hessian, QueryType.HessianVectorProduct, QueryType.SecondOrderJacobian, QueryType.Laplacian];

    [Theory]
    [MemberData(nameof(Queries))]
    public void Chains_eight_and_sixteen_wide_run_every_query_on_the_tensor_executor(QueryType query)
    {
        foreach (var chain in new[] { Deep(8), BuiltinModels.Get("small-deep") })
        {
            var f = chain.ToTensorFunction();
            Assert.False(f.Choose(query).ScalarGraph, $"{chain.Name} {query}: {f.Choose(query)}");
            Assert.IsType<TensorQuery>(f.Compile(query));
        }
    }

    [Theory]
    [MemberData(nameof(Queries))]
    public void The_seed_and_a_six_wide_chain_run_every_query_on_the_scalar_graph(QueryType query)
    {
        foreach (var chain in new[] { Deep(6), BuiltinModels.Seed() })
        {
            var f = chain.ToTensorFunction();
            Assert.True(f.Choose(query).ScalarGraph, $"{chain.Name} {query}: {f.Choose(query)}");
        }
    }

    [Fact]
    public void The_step_width_bound_and_the_size_bound_each_send_a_query_to_the_tensor_executor()
    {
        long steps = 10, below = CostModel.TensorStepWork * steps - 1;
        Assert.True(CostModel.PrefersScalarGraph(below, 1, (int)steps));
        Assert.False(CostModel.PrefersScalarGraph(below + 1, 1, (int)steps));
        Assert.False(CostModel.PrefersScalarGraph(below, CostModel.ScalarGraphLimit / below + 1, (int)steps));
        Assert.True(CostModel.PrefersScalarGraph(10, 1, 0));
    }
}
