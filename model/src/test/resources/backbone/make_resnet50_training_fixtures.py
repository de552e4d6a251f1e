"""Makes the training-mode ResNet-50 fixtures of ResNet50TrainingTest, once, with Debian's python3-torch 1.13
and python3-torchvision 0.14 (run: /usr/bin/python3 make_resnet50_training_fixtures.py, in this folder).

Both write float32 safetensors. The loss of every pass is sum(output * probe) with a fixed "probe", so the
gradients are those of a plain linear function of the output (no loss code of ours plays a part).

- bottleneck_training.safetensors: torchvision's Bottleneck(inplanes=32, planes=16, stride=2) with its
  downsample branch (1x1, stride 2, then batch norm), random weights ("block.*", its state_dict before the
  pass), an "input" (2 x 32 x 9 x 9: odd sides, so the stride-2 1x1 convolution drops a last row and column),
  one forward pass in training mode ("output", 2 x 64 x 5 x 5), the "probe", the gradient of the input
  ("grad.input") and of every parameter ("grad.block.conv1.weight", ...), and the running statistics after
  the pass ("after.block.bn1.running_mean", ...).
- resnet50_training.safetensors: torchvision's resnet50(num_classes=16) followed by our L2 normalisation,
  with weights that need no file: every tensor of the state_dict in order, element i of tensor t set to
  amp * (frac(i, t) - 0.5), frac(i, t) = ((i * 2654435761 + 40503 * (t + 1)) mod 2^32) / 2^32, computed in
  float64 and rounded to float32, amp = sqrt(24 / fan_in) for convolution and linear weights (fan_in =
  in x kh x kw: He's standard deviation sqrt(2 / fan_in)), batch-norm weights 1 but each block's last
  (bn3) 0 as torchvision's zero_init_residual=True has it, biases and running means 0, running variances 1
  (ResNet50TrainingTest rebuilds the same weights in Java). With bn3 at 1, 50 layers of float32 drift from
  float64 by 3 % of the embeddings at this batch (4 images: a batch norm over 4 x 2 x 2 values in layer4);
  with bn3 at 0 by 5e-6, so the comparison is well posed. An "input" (4 x 3 x 64 x 64), the "embeddings"
  (4 x 16) of one training-mode pass, the "probe" (4 x 16), and a few gradients, whole or reduced so the
  file stays small: "grad.conv1.weight", "grad.bn1.weight", "grad.fc.weight", "grad.fc.bias",
  "grad.layer4.0.downsample.1.weight", "grad.layer3.0.bn3.weight" and "grad.layer4.2.bn3.weight" (these
  two read the output of every convolution of their block), and for the two downsample convolutions whose
  backward pass crashes libtorch 2.7.1's oneDNN (docs/BENCHMARKS.md section 9), the sums of the weight's
  gradient over input channels ("rowsum.layer3.0.downsample.0.weight", (1024,)) and over output channels
  ("colsum...", (512,)), and the same for layer4.0.downsample.0.weight; also
  "after.layer4.0.downsample.1.running_mean".
"""
import math
import os
import sys

import torch
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "..",
                                "docs", "python"))
import safetensors_lite  # noqa: E402


def formula(numel, index, amp):
    i = torch.arange(numel, dtype=torch.int64)
    h = (i * 2654435761 + 40503 * (index + 1)) % (2 ** 32)
    return (amp * (h.double() / 2.0 ** 32 - 0.5)).float()


def formula_weights(model):
    with torch.no_grad():
        for index, (name, tensor) in enumerate(
                (k, v) for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")):
            if name.endswith("bn3.weight"):
                tensor.fill_(0.0)
            elif name.endswith("running_var") or (tensor.dim() == 1 and name.endswith("weight")):
                tensor.fill_(1.0)
            elif tensor.dim() == 1:
                tensor.fill_(0.0)
            else:
                fan_in = tensor[0].numel()
                tensor.copy_(formula(tensor.numel(), index, math.sqrt(24.0 / fan_in)).reshape(tensor.shape))


def randomise(block, generator):
    with torch.no_grad():
        for name, tensor in block.state_dict().items():
            if name.endswith("num_batches_tracked"):
                continue
            if name.endswith("running_var"):
                tensor.copy_(torch.rand(tensor.shape, generator=generator) * 1.5 + 0.5)
            elif name.endswith("running_mean") or name.endswith("bias"):
                tensor.copy_(torch.randn(tensor.shape, generator=generator) * 0.1)
            elif tensor.dim() == 1:
                tensor.copy_(torch.rand(tensor.shape, generator=generator) + 0.5)
            else:
                tensor.copy_(torch.randn(tensor.shape, generator=generator) * math.sqrt(2.0 / tensor[0].numel()))


def bottleneck(generator):
    block = torchvision.models.resnet.Bottleneck(
        32, 16, stride=2, downsample=torch.nn.Sequential(torch.nn.Conv2d(32, 64, 1, stride=2, bias=False),
                                                         torch.nn.BatchNorm2d(64)))
    randomise(block, generator)
    tensors = {"block." + k: v.clone() for k, v in block.state_dict().items() if not k.endswith("num_batches_tracked")}
    block.train()
    x = torch.rand(2, 32, 9, 9, generator=generator).requires_grad_(True)
    y = block(x)
    probe = torch.randn(y.shape, generator=generator)
    (y * probe).sum().backward()
    tensors.update({"input": x.detach(), "output": y.detach(), "probe": probe, "grad.input": x.grad})
    for name, p in block.named_parameters():
        tensors["grad.block." + name] = p.grad
    for name, b in block.named_buffers():
        if not name.endswith("num_batches_tracked"):
            tensors["after.block." + name] = b.clone()
    safetensors_lite.save(tensors, "bottleneck_training.safetensors", {"source": "make_resnet50_training_fixtures.py"})


def resnet50(generator):
    net = torchvision.models.resnet50(num_classes=16)
    formula_weights(net)
    net.train()
    x = torch.rand(4, 3, 64, 64, generator=generator)
    logits = net(x)
    embeddings = logits / (logits.square().sum(1, keepdim=True) + 1e-12).sqrt()
    probe = torch.randn(embeddings.shape, generator=generator)
    (embeddings * probe).sum().backward()
    params = dict(net.named_parameters())
    tensors = {"input": x, "embeddings": embeddings.detach(), "probe": probe}
    for name in ("conv1.weight", "bn1.weight", "fc.weight", "fc.bias", "layer4.0.downsample.1.weight",
                 "layer3.0.bn3.weight", "layer4.2.bn3.weight"):
        tensors["grad." + name] = params[name].grad
    for name in ("layer3.0.downsample.0.weight", "layer4.0.downsample.0.weight"):
        g = params[name].grad.flatten(1)
        tensors["rowsum." + name] = g.sum(1)
        tensors["colsum." + name] = g.sum(0)
    tensors["after.layer4.0.downsample.1.running_mean"] = dict(net.named_buffers())[
        "layer4.0.downsample.1.running_mean"].clone()
    safetensors_lite.save(tensors, "resnet50_training.safetensors", {"source": "make_resnet50_training_fixtures.py"})
    print("embeddings |max|", embeddings.abs().max().item(), "conv1 grad |max|", params["conv1.weight"].grad.abs().max().item())


def main():
    torch.manual_seed(50)
    generator = torch.Generator().manual_seed(50)
    bottleneck(generator)
    resnet50(generator)


if __name__ == "__main__":
    main()
