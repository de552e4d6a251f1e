"""Makes flat_divides_by_zero.pt, the TorchScript backbone of NonFiniteEmbeddingIT, once, with Debian's
python3-torch 1.13 (run: /usr/bin/python3 make_flat_image_fixture.py, in this folder).

A grey 1 x H x W backbone with a bug a real module can have: it divides its pooled features by the
image's contrast (brightest minus darkest pixel), so an image of one flat colour gets 0/0 and x/0,
NaN and infinities, while every image with any variation (the probe's Gaussian noise, the test's
generated items) is finite. Output N x 8, pooled by the module itself. Traced in eval mode from a fixed
seed; torch.jit.save does not write reproducible bytes, so a rerun changes the file's sha256.
"""
import torch
from torch import nn


class FlatDividesByZero(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Conv2d(1, 8, 3, stride=2, padding=1)

    def forward(self, x):
        features = torch.relu(self.body(x)).mean(dim=(2, 3))
        contrast = x.amax(dim=(1, 2, 3)) - x.amin(dim=(1, 2, 3))
        return features / contrast.unsqueeze(1)


def main():
    torch.manual_seed(5)
    module = FlatDividesByZero().eval()
    traced = torch.jit.trace(module, torch.randn(2, 1, 28, 28))
    flat = torch.full((1, 1, 28, 28), 0.5)
    noisy = torch.rand(1, 1, 28, 28)
    assert not torch.isfinite(traced(flat)).any(), "a flat image must give no finite value"
    assert torch.isfinite(traced(noisy)).all(), "an image with contrast must be finite"
    traced.save("flat_divides_by_zero.pt")


if __name__ == "__main__":
    main()
