#!/usr/bin/python3
"""Reference tensors for PreprocessingTorchvisionTest, made once with Debian's torchvision 0.14.

Run: /usr/bin/python3 make_reference.py (python3-torchvision, python3-pil). For each case it writes
the source image (<name>.png, lossless) and what torchvision makes of it on a uint8 tensor:
Resize(S) (bilinear; antialias is off for tensors in 0.14) then CenterCrop(C), as <name>.ref.png,
and in reference.json the case's sizes, mean, std and the normalised float values
(ConvertImageDtype(float) then Normalize(mean, std)) at a few points.
"""
import json
import os

import torch
import torchvision
from PIL import Image
from torchvision import transforms as T

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGENET = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
# name, channels, height, width, S, C
CASES = [
    ("rgb_37x53", 3, 37, 53, 32, 24),
    ("rgb_123x199", 3, 123, 199, 64, 57),
    ("rgb_15x401", 3, 15, 401, 20, 16),
    ("rgb_97x131_defaults", 3, 97, 131, 256, 224),
    ("rgb_101x77", 3, 101, 77, 77, 60),
    ("rgb_9x13_upscaled", 3, 9, 13, 32, 24),
    ("grey_29x31", 1, 29, 31, 28, 28),
]


def pattern(channels, height, width, seed):
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(height).view(height, 1).float()
    x = torch.arange(width).view(1, width).float()
    planes = []
    for c in range(channels):
        smooth = 127.5 + 80 * torch.sin(x * (0.21 + 0.05 * c)) * torch.cos(y * (0.17 + 0.03 * c))
        edges = ((x.long() // (3 + c)) + (y.long() // (4 + c))) % 2 * 40.0
        noise = torch.randint(-6, 7, (height, width), generator=g).float()
        planes.append((smooth + edges + noise - 20).clamp(0, 255).round().to(torch.uint8))
    return torch.stack(planes)


def main():
    assert torchvision.__version__.startswith("0.14"), torchvision.__version__
    cases = {}
    for i, (name, channels, height, width, s, c) in enumerate(CASES):
        src = pattern(channels, height, width, seed=i)
        mode = "RGB" if channels == 3 else "L"
        Image.fromarray(src.permute(1, 2, 0).squeeze(-1).numpy(), mode).save(os.path.join(HERE, name + ".png"))
        out = T.CenterCrop(c)(T.Resize(s, interpolation=T.InterpolationMode.BILINEAR)(src))
        Image.fromarray(out.permute(1, 2, 0).squeeze(-1).numpy(), mode).save(os.path.join(HERE, name + ".ref.png"))
        mean, std = IMAGENET if channels == 3 else ([0.5], [0.25])
        normalised = T.Normalize(mean, std)(T.ConvertImageDtype(torch.float32)(out))
        points = [[0, 0], [c // 2, c // 3], [c - 1, c - 1], [c // 5, c - 2]]
        cases[name] = {
            "channels": channels, "resize": s, "crop": c, "mean": mean, "std": std,
            "normalised": [[ch, yy, xx, float(normalised[ch, yy, xx])] for ch in range(channels) for yy, xx in points],
        }
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump({"torchvision": torchvision.__version__, "cases": cases}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
