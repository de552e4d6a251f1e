#!/usr/bin/env python3
"""Rebuilds a streamsynth embedder in PyTorch from an export (`streamsynth export --out PREFIX`):
PREFIX.safetensors (weights, PyTorch names) and PREFIX.card.json (the model card).

    python3 rebuild_embedder.py PREFIX.safetensors PREFIX.card.json                # prints a summary
    python3 rebuild_embedder.py W.safetensors CARD.json --inputs X.safetensors --out E.safetensors
    python3 rebuild_embedder.py W.safetensors CARD.json --backbone-torchscript BACKBONE.pt   # kind torchscript

With --inputs, embeds the tensor "input" (N x C x H x W float32, preprocessed as the card's
"preprocessing" says) and writes the N x D embeddings as "embeddings" to --out.

Needs torch and torchvision only (Debian: python3-torch, python3-torchvision); safetensors files are
read with safetensors_lite.py, next to this script. In your own code:

    from rebuild_embedder import load_embedder
    embedder = load_embedder("PREFIX.safetensors", "PREFIX.card.json")   # eval mode
    with torch.no_grad():
        vectors = embedder(images)                                         # unit-norm rows
"""
import argparse
import hashlib
import json
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_lite  # noqa: E402


class GeM(nn.Module):
    """Generalised-mean pooling (Radenovic et al., TPAMI 2018), learnt exponent p; output N x C x 1 x 1
    so it can take torchvision ResNet's avgpool slot."""

    def __init__(self, p=3.0, eps=1e-6):
        super().__init__()
        self.p = nn.Parameter(torch.full((1,), p))
        self.eps = eps

    def forward(self, x):
        return x.clamp(min=self.eps).pow(self.p).mean(dim=(2, 3), keepdim=True).pow(1.0 / self.p)


class SmallCnn(nn.Module):
    """streamsynth's `cnn`: three conv 3x3 (padding 1, no bias) + batch norm + relu, 2x2 max pooling after
    the first `max_pools` of them (the card's cnn_max_pools: 3 now, 2 in checkpoints from before the field),
    global pooling, fc."""

    def __init__(self, channels, base_filters, embedding_size, max_pools=3):
        super().__init__()
        self.max_pools = max_pools
        widths = [base_filters, 2 * base_filters, 4 * base_filters]
        previous = channels
        for i, width in enumerate(widths, start=1):
            setattr(self, f"conv{i}", nn.Conv2d(previous, width, 3, padding=1, bias=False))
            setattr(self, f"bn{i}", nn.BatchNorm2d(width))
            previous = width
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(previous, embedding_size)

    def forward(self, x):
        for i in (1, 2, 3):
            x = torch.relu(getattr(self, f"bn{i}")(getattr(self, f"conv{i}")(x)))
            if i <= self.max_pools:
                x = nn.functional.max_pool2d(x, 2)
        return self.fc(torch.flatten(self.avgpool(x), 1))


class ScriptedNet(nn.Module):
    """streamsynth's `torchscript` network: the user's TorchScript module (in eval mode, as it trained), the
    head's pooling when the module returns a feature map (N x F x h x w), then fc."""

    def __init__(self, backbone, features, feature_map, pooling, embedding_size):
        super().__init__()
        self.backbone = backbone.eval()
        self.feature_map = feature_map
        self.avgpool = (GeM() if pooling == "gem" else nn.AdaptiveAvgPool2d(1)) if feature_map else nn.Identity()
        self.fc = nn.Linear(features, embedding_size)

    def train(self, mode=True):
        super().train(mode)
        self.backbone.eval()  # its batch-norm statistics are the file's, as in training
        return self

    def forward(self, x):
        x = self.backbone(x)
        return self.fc(torch.flatten(self.avgpool(x), 1))

    def load_weights(self, tensors):
        """The head's tensors into the head, the rest into the module's own parameters, every name matched."""
        params = dict(self.backbone.named_parameters())
        head = {k: v for k, v in tensors.items() if k.startswith(("fc.", "avgpool."))}
        rest = {k: v for k, v in tensors.items() if k not in head}
        if set(rest) != set(params):
            raise SystemExit(f"weights do not fit the TorchScript module: missing {sorted(set(params) - set(rest))}, "
                             f"unexpected {sorted(set(rest) - set(params))}")
        with torch.no_grad():
            for name, tensor in rest.items():
                params[name].copy_(tensor)
        self.fc.load_state_dict({"weight": head["fc.weight"], "bias": head["fc.bias"]})
        if isinstance(self.avgpool, GeM):
            self.avgpool.load_state_dict({"p": head["avgpool.p"]})


class Embedder(nn.Module):
    """The network, then each row divided by sqrt(sum of squares + eps), as the card's normalisation says."""

    def __init__(self, net, eps):
        super().__init__()
        self.net = net
        self.eps = eps

    def forward(self, images):
        e = self.net(images)
        return e / (e.square().sum(dim=1, keepdim=True) + self.eps).sqrt()


def build(card, backbone_torchscript=None):
    arch = card["architecture"]
    kind, size = arch["kind"], arch["embedding_size"]
    if kind == "torchscript":
        if backbone_torchscript is None:
            raise SystemExit("this model's backbone is a TorchScript module (sha256 "
                             f"{arch['backbone_sha256']}): pass its file with --backbone-torchscript")
        with open(backbone_torchscript, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        if digest != arch["backbone_sha256"]:
            raise SystemExit(f"{backbone_torchscript} has sha256 {digest}, the model was trained over "
                             f"{arch['backbone_sha256']}")
        net = ScriptedNet(torch.jit.load(backbone_torchscript, map_location="cpu"), arch["backbone_features"],
                          arch["backbone_output"] == "feature_map", arch.get("pooling", "avg"), size)
        return Embedder(net, card["normalisation"]["eps"])
    if kind in ("resnet18", "resnet50"):
        import torchvision
        net = getattr(torchvision.models, kind)(num_classes=size)
    elif kind == "cnn":
        net = SmallCnn(arch["channels"], arch["base_filters"], size, arch.get("cnn_max_pools", 2))
    else:
        raise SystemExit(f"unknown architecture {kind!r}")
    if arch.get("pooling", "avg") == "gem":
        net.avgpool = GeM()
    return Embedder(net, card["normalisation"]["eps"])


def load_embedder(weights_path, card_path, backbone_torchscript=None):
    with open(card_path) as f:
        card = json.load(f)
    embedder = build(card, backbone_torchscript)
    tensors, _ = safetensors_lite.load(weights_path)
    if isinstance(embedder.net, ScriptedNet):
        embedder.net.load_weights(tensors)
    else:
        # strict: every name must match; batch norm fills in the num_batches_tracked counters it lacks
        embedder.net.load_state_dict(tensors, strict=True)
    return embedder.eval()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights")
    parser.add_argument("card")
    parser.add_argument("--inputs", help="safetensors file with an 'input' tensor N x C x H x W")
    parser.add_argument("--out", help="where to write the 'embeddings' tensor")
    parser.add_argument("--backbone-torchscript", help="the TorchScript module of a `torchscript` model (the file "
                        "the job ran with; its sha256 must be the card's backbone_sha256)")
    args = parser.parse_args()
    embedder = load_embedder(args.weights, args.card, args.backbone_torchscript)
    if args.inputs:
        images = safetensors_lite.load(args.inputs)[0]["input"].float()
        with torch.no_grad():
            embeddings = embedder(images)
        safetensors_lite.save({"embeddings": embeddings.contiguous()}, args.out)
        print(f"embedded {images.shape[0]} images into {args.out}")
    else:
        count = sum(p.numel() for p in embedder.parameters())
        print(f"{type(embedder.net).__name__}: {count} parameters loaded from {args.weights}")


if __name__ == "__main__":
    main()
