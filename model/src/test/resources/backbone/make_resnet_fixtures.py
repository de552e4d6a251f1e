"""Makes the torchvision fixtures of the backbone tests, once, with Debian's python3-torch 1.13 and
python3-torchvision 0.14 (run: /usr/bin/python3 make_resnet_fixtures.py, in this folder).

- resnet18_weights.safetensors.gz: a randomly initialised torchvision resnet18 state_dict (fc included,
  num_batches_tracked left out: it is a counter, not a weight), stored as float16.
- resnet18_reference.safetensors (float32): "input" (4 x 3 x 64 x 64), "features" (the 512 values
  after global average pooling) and "embeddings" (fc's 1000 outputs divided by
  sqrt(sum of squares + 1e-12)), computed by torchvision in eval mode.
- resnet{18,50}_names.json: every tensor of torchvision's state_dict with its shape, in order.
- bottleneck.safetensors (float32): one torchvision Bottleneck(inplanes=32, planes=16, stride=2) with
  its downsample branch, random weights and statistics ("block.*", its state_dict), an "input"
  (2 x 32 x 9 x 9, odd to exercise the padding) and its eval-mode "output": a ResNet-50 is too large
  to commit, so its block is checked alone.

A float16 resnet18 is 23 MB of random bits that do not compress. To stay small, every convolution
and linear weight is rounded to one of the seven levels {-3..3} x 2^e (e chosen per tensor near the
initial standard deviation): float16 holds them exactly, and their bytes compress about fourfold
with gzip (5.2 MB). The network computes exactly as before; only the weights' distribution is coarser, which a
test of structure and names does not need.
"""
import gzip
import json
import math
import os
import sys

import torch
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "..",
                                "docs", "python"))
import safetensors_lite  # noqa: E402


def coarse(weight):
    scale = 2.0 ** round(math.log2(weight.std().item()))
    return (weight / scale).round().clamp(-3, 3) * scale


def randomise(model, generator):
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                continue
            if name.endswith("running_var"):
                tensor.copy_(torch.rand(tensor.shape, generator=generator) * 1.5 + 0.5)
            elif name.endswith("running_mean") or (name.endswith("bias") and tensor.dim() == 1):
                tensor.copy_(torch.randn(tensor.shape, generator=generator) * 0.1)
            elif tensor.dim() == 1:  # batch-norm gamma
                tensor.copy_(torch.rand(tensor.shape, generator=generator) + 0.5)
            else:
                tensor.copy_(coarse(tensor))
            tensor.copy_(tensor.half().float())


def names(model):
    return [{"name": k, "shape": list(v.shape)} for k, v in model.state_dict().items()
            if not k.endswith("num_batches_tracked")]


def main():
    torch.manual_seed(11)
    generator = torch.Generator().manual_seed(11)
    resnet18 = torchvision.models.resnet18()
    randomise(resnet18, generator)
    resnet18.eval()
    weights = {k: v.half() for k, v in resnet18.state_dict().items() if not k.endswith("num_batches_tracked")}
    safetensors_lite.save(weights, "resnet18_weights.safetensors",
                          {"source": "make_resnet_fixtures.py", "torchvision": torchvision.__version__})
    with open("resnet18_weights.safetensors", "rb") as raw, \
            gzip.GzipFile("resnet18_weights.safetensors.gz", "wb", compresslevel=9, mtime=0) as packed:
        packed.write(raw.read())
    os.remove("resnet18_weights.safetensors")

    images = torch.rand(4, 3, 64, 64, generator=generator)
    with torch.no_grad():
        body = torch.nn.Sequential(*list(resnet18.children())[:-1])
        features = torch.flatten(body(images), 1)
        logits = resnet18.fc(features)
        embeddings = logits / (logits.square().sum(1, keepdim=True) + 1e-12).sqrt()
        assert torch.allclose(features, torch.flatten(resnet18.avgpool(torch.nn.Sequential(
            *list(resnet18.children())[:-2])(images)), 1))
    safetensors_lite.save({"input": images, "features": features, "embeddings": embeddings},
                          "resnet18_reference.safetensors", {"source": "make_resnet_fixtures.py"})

    bottleneck = torchvision.models.resnet.Bottleneck(
        32, 16, stride=2, downsample=torch.nn.Sequential(torch.nn.Conv2d(32, 64, 1, stride=2, bias=False),
                                                         torch.nn.BatchNorm2d(64)))
    randomise(bottleneck, generator)
    bottleneck.eval()
    block_input = torch.rand(2, 32, 9, 9, generator=generator)
    with torch.no_grad():
        block_output = bottleneck(block_input)
    tensors = {"block." + k: v for k, v in bottleneck.state_dict().items() if not k.endswith("num_batches_tracked")}
    tensors.update({"input": block_input, "output": block_output})
    safetensors_lite.save(tensors, "bottleneck.safetensors", {"source": "make_resnet_fixtures.py"})

    for arch in ("resnet18", "resnet50"):
        with open(f"{arch}_names.json", "w") as f:
            json.dump(names(getattr(torchvision.models, arch)()), f, indent=0)
            f.write("\n")
    print("features |max|", features.abs().max().item(), "mean", features.mean().item())


if __name__ == "__main__":
    main()
