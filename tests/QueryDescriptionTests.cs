using TapeAD.Tape;
using Xunit;

namespace TapeAD.Tests;

public class QueryDescriptionTests
{
    private static readonly TapeFunction F = TapeFunction.Record(2, x => new[] { VarMath.Tanh(x[0] * x[1]), x[0] * x[0] }, "f");

    [Fact]
    public void A_hessian_vector_product_names_the_mode_auto_chose()
    {
        Assert.Equal("hvp (ForwardOverReverse) of f", F.HessianVectorProduct().Description);
        Assert.Equal("hvp (ForwardOverReverse) of output 1 of f", F.HessianVectorProduct(1).Description);
    }

    [Theory]
    [InlineData(SecondOrderMode.ForwardOverForward)]
    [InlineData(SecondOrderMode.ForwardOverReverse)]
    [InlineData(SecondOrderMode.ReverseOverForward)]
    [InlineData(SecondOrderMode.ReverseOverReverse)]
    public void A_hessian_vector_product_names_the_mode_it_was_asked_for(SecondOrderMode mode)
    {
        Assert.Equal($"hvp ({mode}) of f", F.HessianVectorProduct(mode).Description);
        Assert.Equal($"hvp ({mode}) of output 0 of f", F.HessianVectorProduct(0, mode).Description);
        Assert.DoesNotContain("Auto", F.Hessian().Description + F.Jacobian().Description);
    }
}
