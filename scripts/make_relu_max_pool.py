"""Writes model/src/main/resources/io/streamsynth/model/net/relu_max_pool_k{K}s{S}p{P}.pt: nn.ReLU then
nn.MaxPool2d(K, S, P) as a TorchScript module that ReluMaxPool (model/.../net/ReluMaxPool.java) runs through
DJL on the CPU, for the two poolings our networks use: ResNet's stem (3, 2, 1) and the small CNN's (2, 2, 0).

Why a module: libtorch 2.7.1's CPU max pooling is a scalar loop in the default layout and vectorised over the
channels in channels last, but running the pooling itself in channels last leaves its backward pass with a
channels-last gradient that must be copied back to the default layout (a slow transposing copy, 24 ms for
ResNet-18's stem at 112 x 112, batch 32, and now and then 150-300 ms: docs/BENCHMARKS.md section 9). Here
only the search for each window's maximum runs in channels last, on a detached copy; the output is gathered
from the ReLU's output (default layout) at those positions, so autograd sees a ReLU and a gather, and the
gather's backward pass scatters the gradient into the default layout directly, as max pooling's own backward
pass does (same positions, same order: the same bits, ReluMaxPoolTest).

Without autograd (gradients off, or an input that does not require them: inference), the module pools on the
channels-last copy itself and copies the output back; nothing would read the indices.

Input (N, C, H, W) float, any layout; output (N, C, (H + 2P - K) // S + 1, likewise for W), contiguous.

Run once with Debian's torch 1.13 (python3-torch); libtorch 2.7.1 loads the files:
    /usr/bin/python3 scripts/make_relu_max_pool.py
It checks each module against torch's own ReLU + max pooling (values and input gradients, exactly) first.
"""
from pathlib import Path

import torch
import torch.nn.functional as F

OUT = Path(__file__).resolve().parent.parent / "model/src/main/resources/io/streamsynth/model/net"
POOLINGS = [(3, 2, 1), (2, 2, 0)]


class ReluMaxPool(torch.nn.Module):
    def __init__(self, kernel: int, stride: int, padding: int):
        super().__init__()
        self.kernel = kernel
        self.stride = stride
        self.padding = padding

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not (torch.is_grad_enabled() and x.requires_grad):
            # no backward pass to come (inference): pool in channels last and copy the output back
            pooled = F.max_pool2d(torch.relu(x).contiguous(memory_format=torch.channels_last),
                                  [self.kernel, self.kernel], [self.stride, self.stride], [self.padding, self.padding])
            return pooled.contiguous()
        activated = torch.relu(x)
        n, c = activated.shape[0], activated.shape[1]
        _, argmax = F.max_pool2d_with_indices(activated.detach().contiguous(memory_format=torch.channels_last),
                                              [self.kernel, self.kernel], [self.stride, self.stride],
                                              [self.padding, self.padding])
        # max pooling's indices count positions within each (H, W) plane, in either layout
        h_out, w_out = argmax.shape[2], argmax.shape[3]
        positions = argmax.contiguous().view(n, c, h_out * w_out)
        return activated.reshape(n, c, -1).gather(2, positions).view(n, c, h_out, w_out)


def check(module: torch.nn.Module, kernel: int, stride: int, padding: int):
    torch.manual_seed(0)
    for side in (7, 9, 28, 56):
        with torch.no_grad():
            x = torch.randn(4, 16, side, side)
            if not torch.equal(module(x), F.max_pool2d(torch.relu(x), kernel, stride, padding)):
                raise SystemExit(f"pool {kernel}/{stride}/{padding} differs from torch's at side {side} without autograd")
        x = torch.randn(4, 16, side, side, requires_grad=True)
        y = module(x)
        expected = F.max_pool2d(torch.relu(x), kernel, stride, padding)
        upstream = torch.randn_like(expected)
        gradient, = torch.autograd.grad((y * upstream).sum(), x)
        expected_gradient, = torch.autograd.grad((expected * upstream).sum(), x)
        if not (torch.equal(y, expected) and torch.equal(gradient, expected_gradient)):
            raise SystemExit(f"pool {kernel}/{stride}/{padding} differs from torch's at side {side}")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for kernel, stride, padding in POOLINGS:
        module = torch.jit.script(ReluMaxPool(kernel, stride, padding))
        check(module, kernel, stride, padding)
        path = OUT / f"relu_max_pool_k{kernel}s{stride}p{padding}.pt"
        module.save(str(path))
        print(f"wrote {path} ({path.stat().st_size} bytes) with torch {torch.__version__}")


if __name__ == "__main__":
    main()
