"""Exports the model kinds of issue 13 with torch.onnx.export at opsets 13 and 17 (float64, symbolic
batch) and saves PyTorch's float64 values and derivatives at a few points for the C# tests:
value [m], jacobian [m, d], hessian [m, d, d], second-order jacobian [m, d] (d²y_i/dx_j²) and
laplacian [m], the outputs concatenated in graph order, one sample (batch of 1).

Run from this folder with Debian's packages (apt-get install -y python3-torch python3-onnx):
    /usr/bin/python3 export.py
"""
import json

import torch
from torch import nn

torch.manual_seed(13)
torch.set_default_dtype(torch.float64)


class LayerNormMlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.norm, self.b = nn.Linear(3, 8), nn.LayerNorm(8), nn.Linear(8, 2)
        with torch.no_grad():  # non-trivial affine parameters, so scale and bias are exercised
            self.norm.weight.uniform_(0.5, 1.5)
            self.norm.bias.uniform_(-0.5, 0.5)

    def forward(self, x):
        return self.b(torch.tanh(self.norm(self.a(x))))


class SoftmaxHead(nn.Module):
    def __init__(self, log):
        super().__init__()
        self.a, self.out = nn.Linear(3, 4), nn.LogSoftmax(dim=1) if log else nn.Softmax(dim=1)

    def forward(self, x):
        return self.out(3.0 * self.a(x))


class Clipping(nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.hardtanh, self.relu6 = nn.Linear(3, 4), nn.Hardtanh(-0.5, 0.8), nn.ReLU6()

    def forward(self, x):
        h = self.a(x)
        return torch.cat([self.hardtanh(h), self.relu6(4.0 * h), torch.clamp(h, min=-0.3, max=0.4)], dim=1)


class BatchNormDropout(nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.norm, self.drop, self.b = nn.Linear(3, 5), nn.BatchNorm1d(5), nn.Dropout(0.3), nn.Linear(5, 2)
        with torch.no_grad():  # running statistics and affine parameters away from their defaults
            self.norm.running_mean.uniform_(-0.5, 0.5)
            self.norm.running_var.uniform_(0.5, 2.0)
            self.norm.weight.uniform_(0.5, 1.5)
            self.norm.bias.uniform_(-0.5, 0.5)

    def forward(self, x):
        return self.b(torch.tanh(self.drop(self.norm(self.a(x)))))


class SliceOutput(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(3, 3)

    def forward(self, x):
        y = torch.tanh(self.a(x))
        return y, y[:, :1] * x[:, 1:2]


class ViewFlatten(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(6, 2)

    def forward(self, x):
        return torch.sin(self.a(x.view(x.size(0), -1)))


class LeakyRelu(nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.act, self.b = nn.Linear(3, 4), nn.LeakyReLU(0.2), nn.Linear(4, 2)

    def forward(self, x):
        return self.b(self.act(self.a(x)))


MODELS = {
    "layernorm_mlp": (LayerNormMlp(), (1, 3)),
    "softmax_head": (SoftmaxHead(log=False), (1, 3)),
    "logsoftmax_head": (SoftmaxHead(log=True), (1, 3)),
    "clip_hardtanh_relu6": (Clipping(), (1, 3)),
    "batchnorm_dropout": (BatchNormDropout(), (1, 3)),
    "slice_output": (SliceOutput(), (1, 3)),
    "view_flatten": (ViewFlatten(), (1, 2, 3)),
    "leaky_relu": (LeakyRelu(), (1, 3)),
}


def flat_outputs(model, shape):
    def f(flat):
        y = model(flat.reshape(shape))
        ys = y if isinstance(y, tuple) else (y,)
        return torch.cat([t.reshape(-1) for t in ys])
    return f


def derivatives(model, shape, x):
    f = flat_outputs(model, shape)
    value = f(x)
    jacobian = torch.autograd.functional.jacobian(f, x)
    hessian = torch.stack([torch.autograd.functional.hessian(lambda p, i=i: f(p)[i], x) for i in range(value.numel())])
    second = torch.diagonal(hessian, dim1=1, dim2=2)
    return {
        "x": x.tolist(), "value": value.tolist(), "jacobian": jacobian.reshape(-1).tolist(),
        "hessian": hessian.reshape(-1).tolist(), "second_order_jacobian": second.reshape(-1).tolist(),
        "laplacian": second.sum(dim=1).tolist(),
    }


def main():
    generator = torch.Generator().manual_seed(7)
    reference = {}
    for name, (model, shape) in MODELS.items():
        model.eval()
        d = 1
        for n in shape:
            d *= n
        points = [torch.randn(d, generator=generator) for _ in range(3)]
        example = points[0].reshape(shape)
        outputs = ["y"] if not isinstance(model(example), tuple) else [f"y{i}" for i in range(len(model(example)))]
        for opset in (13, 17):
            file = f"{name}_opset{opset}.onnx"
            torch.onnx.export(model, (example,), file, input_names=["x"], output_names=outputs, opset_version=opset,
                              dynamic_axes={p: {0: "batch"} for p in ["x", *outputs]})
            reference[file] = [derivatives(model, shape, p) for p in points]
    with open("reference.json", "w") as out:
        json.dump(reference, out, indent=None)


if __name__ == "__main__":
    main()
