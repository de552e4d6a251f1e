"""Forward and backward CPU time of torchvision's resnet18 with our embedding head, in torch 1.13,
for comparison with the same network through DJL's libtorch 2.7.1 (scripts/ProfileResnetPhases.java).

The network: torchvision.models.resnet18(num_classes=D) in train mode (batch statistics), then
x / sqrt(sum(x^2) + 1e-12), streamsynth's --architecture resnet18. The loss is a fixed linear function
of the embeddings, sum(e * w) with w from torch.manual_seed(2): both sides then differ only in the
network's forward and backward passes, not in synthesis, mining or loss code.

Modes (Debian's /usr/bin/python3, torch 1.13, torchvision 0.14):
  time  --size S [--reps R] [--traced]  R timed repetitions after two warm-up ones; prints forward and
        backward CPU ms per repetition (process CPU, one thread), median and each. --traced runs the
        module traced by torch.jit.trace in train mode instead of the eager one.
  trace --size S --out FILE.pt          writes that traced module (batch statistics baked into its graph).
  ops   --size S                        torch.autograd.profiler's table of one forward + backward by op,
        self CPU time: which kernels torch 1.13 runs (e.g. mkldnn_convolution or slow_conv2d).
"""
import argparse
import statistics
import time

import torch
import torchvision

BATCH = 32
EMBEDDING = 128


class Embedder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.net = torchvision.models.resnet18(num_classes=EMBEDDING)

    def forward(self, x):
        e = self.net(x)
        return e / torch.sqrt((e * e).sum(1, keepdim=True) + 1e-12)


def setup(size):
    torch.set_num_threads(1)
    torch.manual_seed(1)
    model = Embedder().train()
    images = torch.rand(BATCH, 3, size, size)
    torch.manual_seed(2)
    weights = torch.randn(BATCH, EMBEDDING)
    return model, images, weights


def time_phases(model, images, weights, reps):
    forward, backward = [], []
    for r in range(reps + 2):
        t0 = time.process_time()
        loss = (model(images) * weights).sum()
        loss.item()
        t1 = time.process_time()
        for p in model.parameters():
            p.grad = None
        loss.backward()
        t2 = time.process_time()
        if r >= 2:
            forward.append((t1 - t0) * 1000)
            backward.append((t2 - t1) * 1000)
    return forward, backward


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["time", "trace", "ops"])
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--traced", action="store_true")
    parser.add_argument("--out")
    args = parser.parse_args()
    model, images, weights = setup(args.size)
    if args.mode == "trace":
        torch.jit.save(torch.jit.trace(model, images), args.out)
        return
    if args.mode == "ops":
        time_phases(model, images, weights, 0)
        with torch.autograd.profiler.profile() as prof:
            loss = (model(images) * weights).sum()
            loss.backward()
        print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=25))
        return
    if args.traced:
        model = torch.jit.trace(model, images)
    forward, backward = time_phases(model, images, weights, args.reps)
    print("torch %s size %d %s: CPU ms forward median %.0f %s, backward median %.0f %s" % (
        torch.__version__, args.size, "traced" if args.traced else "eager", statistics.median(forward),
        [round(f) for f in forward], statistics.median(backward), [round(b) for b in backward]))


if __name__ == "__main__":
    main()
