"""Makes the TorchScript fixtures of the backbone tests, once, with Debian's python3-torch 1.13 and
python3-torchvision 0.14 (run: /usr/bin/python3 make_torchscript_fixtures.py, in this folder).
Every module is traced in eval mode from random initialisation (no pretrained weights exist here).
A rerun writes the same tensors and references, but .pt files whose bytes (hence sha256) differ:
torch.jit.save does not write its archives reproducibly.

- mobilenet_map.pt: torchvision's mobilenet_v3_small(width_mult=0.25).features, an RGB backbone
  whose output is a feature map, N x 144 x h x w (2 x 2 at 64 x 64 inputs): our pooling applies.
- mobilenet_reference.safetensors (float32): "input" (3 x 3 x 64 x 64), a head ("fc.weight" 16 x 144,
  "fc.bias" 16) and the eval-mode "features" (global average of the map, 3 x 144) and "embeddings"
  (fc of the features divided by sqrt(sum of squares + 1e-12), 3 x 16).
- grey_pooled.pt: a three-block conv net for 1 x 28 x 28 grey images (Fashion-MNIST) that pools and
  flattens itself: N x 32 features, so our head only adds fc and the normalisation.
- grey_pooled_reference.safetensors: "input" (2 x 1 x 28 x 28) and its eval-mode "features" (2 x 32).
- grey_pooled_other.pt: the same network with other random weights: another file of the same shapes.
- rank3_output.pt: a module whose output is N x 8 x 49 (neither N x F nor N x F x h x w).
- batch_statistics.pt: a conv + batch norm traced in training mode, so each image's output depends on
  the rest of its batch (what tracing without model.eval() gives).
- classifier_named.pt: a module with its own parameters "fc.weight" and "fc.bias", names our head takes.
"""
import os
import sys

import torch
import torchvision
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "..",
                                "docs", "python"))
import safetensors_lite  # noqa: E402


def randomise_statistics(model, generator):
    """Batch-norm statistics away from (0, 1), so a test notices when they are ignored."""
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if name.endswith("running_var"):
                tensor.copy_(torch.rand(tensor.shape, generator=generator) * 1.5 + 0.5)
            elif name.endswith("running_mean"):
                tensor.copy_(torch.randn(tensor.shape, generator=generator) * 0.1)


def normalise(x):
    return x / (x.square().sum(1, keepdim=True) + 1e-12).sqrt()


class GreyPooled(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(1)

    def forward(self, x):
        return torch.flatten(self.pool(self.body(x)), 1)


class Rank3(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 8, 3, stride=4, padding=1)

    def forward(self, x):
        return torch.flatten(self.conv(x), 2)


class ClassifierNamed(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return self.fc(self.conv(x).mean(dim=(2, 3)))


def main():
    torch.manual_seed(11)
    generator = torch.Generator().manual_seed(11)

    mobilenet = torchvision.models.mobilenet_v3_small(width_mult=0.25).features
    randomise_statistics(mobilenet, generator)
    mobilenet.eval()
    images = torch.rand(3, 3, 64, 64, generator=generator)
    traced = torch.jit.trace(mobilenet, images[:1])
    traced.save("mobilenet_map.pt")
    fc = nn.Linear(144, 16)
    with torch.no_grad():
        features = traced(images).mean(dim=(2, 3))
        embeddings = normalise(fc(features))
    safetensors_lite.save({"input": images, "fc.weight": fc.weight.detach(), "fc.bias": fc.bias.detach(),
                           "features": features, "embeddings": embeddings}, "mobilenet_reference.safetensors",
                          {"source": "make_torchscript_fixtures.py", "torch": torch.__version__})

    grey = GreyPooled()
    randomise_statistics(grey, generator)
    grey.eval()
    grey_images = torch.rand(2, 1, 28, 28, generator=generator)
    traced_grey = torch.jit.trace(grey, grey_images[:1])
    traced_grey.save("grey_pooled.pt")
    with torch.no_grad():
        safetensors_lite.save({"input": grey_images, "features": traced_grey(grey_images)},
                              "grey_pooled_reference.safetensors", {"source": "make_torchscript_fixtures.py"})

    other = GreyPooled()
    randomise_statistics(other, generator)
    torch.jit.trace(other.eval(), grey_images[:1]).save("grey_pooled_other.pt")

    torch.jit.trace(Rank3().eval(), grey_images[:1]).save("rank3_output.pt")

    batch_statistics = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.Flatten(1))
    batch_statistics.train()
    torch.jit.trace(batch_statistics, grey_images).save("batch_statistics.pt")

    torch.jit.trace(ClassifierNamed().eval(), grey_images[:1]).save("classifier_named.pt")


if __name__ == "__main__":
    main()
