using TapeAD.Tape;
using Xunit;

namespace TapeAD.Tests;

public class QueryDescriptionTests
{
    [Fact]
    public void A_hessian_vector_product_names_the_mode_it_used_not_auto()
    {
        var f = TapeFunction.Record(2, x => new[] { x[0] * x[1], VarMath.Sin(x[0]) }, "f");
        Assert.Equal("hvp (ForwardOverReverse) of f", f.HessianVectorProduct().Description);
        Assert.Equal("hvp (ForwardOverReverse) of output 1 of f", f.HessianVectorProduct(1).Description);
        Assert.Equal("hvp (ReverseOverReverse) of f", f.HessianVectorProduct(SecondOrderMode.ReverseOverReverse).Description);
        Assert.DoesNotContain("Auto", f.Hessian().Description);
        Assert.DoesNotContain("Auto", f.Jacobian().Description);
    }
}
