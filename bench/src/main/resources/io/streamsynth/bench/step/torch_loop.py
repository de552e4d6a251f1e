"""The plain PyTorch side of `streamsynth bench pytorch`: the same training step as streamsynth's
TrainingStep, written as a PyTorch user would, so the two step times can be compared.

Network: torchvision's resnet18(num_classes=D) (or resnet50) in train mode, then x / sqrt(sum(x^2) + 1e-12)
(streamsynth's --architecture resnet18/resnet50 head: global average pooling, linear to D, L2 normalisation).
Loss: batch-hard triplet with margin 0.2 (Hermans et al. 2017; streamsynth's default loss), positives
from the originals, the nearest negative from hard negative pair mining under the papers' rule
(streamsynth's default --mining paper):
  none  plain cosine similarities;
  ee    Embedding Expansion (Ko & Gu, CVPR 2020, sections 3.1-3.2): neighbour pairs (x, p) within a
        class, n = 2 inner points normalize((k p + (n+1-k) x) / (n+1)), and for samples i, j the
        hardest pair among {x, its 2 points, p} of i and the same of j;
  symm  Symmetrical Synthesis (Gu & Ko, AAAI 2020, section 3): x' = 2 proj_p(x) - x and
        p' = 2 proj_x(p) - p, and for samples i, j the closest of x_j, p_j, x_j', p_j' to x_i.
Optimizer: Adam (torch.optim.Adam, no weight decay).

Modes (run with Debian's /usr/bin/python3, torch 1.13, torchvision 0.14):
  loop  [--architecture resnet18|resnet50] --size S --classes P --per-class K --synthesis M --embedding-size D --threads T --lr LR
        prints "ready", then for each stdin line "steps N" runs N steps on one fixed random batch and
        prints one JSON line: wall_ms, cpu_ms (process CPU) per step, forward_cpu_ms (forward pass,
        synthesis, mining and loss), backward_cpu_ms, optimizer_cpu_ms (process CPU per step: on a
        shared machine the wall clock of a phase mostly measures waiting) and the last loss; "quit" or
        end of input ends it.
  loss  reads one JSON object {"embeddings": [[...]], "labels": [...]} from stdin and prints
        {"none": l0, "ee": l1, "symm": l2}, the loss of those (unit-norm) embeddings per method.
"""
import argparse
import json
import sys
import time

import torch

MARGIN = 0.2
EE_POINTS = 2
NORM_EPSILON = 1e-12


def l2_normalize(x):
    return x / (x.square().sum(-1, keepdim=True) + NORM_EPSILON).sqrt()


def partners(labels):
    """Neighbour pairing within each class in batch order (1st with 2nd, 3rd with 4th, ...)."""
    waiting, out = {}, [0] * len(labels)
    for i, label in enumerate(labels):
        if label in waiting:
            first = waiting.pop(label)
            out[first], out[i] = i, first
        else:
            waiting[label] = i
    if waiting:
        raise ValueError("every class needs an even number of samples")
    return out


def reflect(point, axis):
    scale = (point * axis).sum(-1, keepdim=True) / (axis.square().sum(-1, keepdim=True) + NORM_EPSILON)
    return 2 * scale * axis - point


def negative_similarity(x, labels, synthesis):
    """(B, B) similarity of the hardest negative pair between samples i and j."""
    if synthesis == "none":
        return x @ x.t()
    p = x[torch.tensor(partners(labels))]
    if synthesis == "ee":
        total = EE_POINTS + 1
        inner = [l2_normalize((k * p + (total - k) * x) / total) for k in range(1, total)]
        points = torch.stack([x] + inner + [p], 1)  # (B, n + 2, D)
        return torch.einsum("iud,jvd->iujv", points, points).amax(dim=(1, 3))
    if synthesis == "symm":
        points = torch.stack([x, p, reflect(x, p), reflect(p, x)], 1)  # (B, 4, D)
        return torch.einsum("id,jvd->ijv", x, points).amax(dim=2)
    raise ValueError("synthesis must be none, ee or symm, got " + synthesis)


def distance(cosine):
    return (2 - 2 * cosine).clamp_min(1e-12).sqrt()


def triplet_loss(x, labels, synthesis):
    y = torch.tensor(labels)
    same = y[:, None] == y[None, :]
    positive = same & ~torch.eye(len(labels), dtype=torch.bool)
    negative = ~same
    d_pos = distance(x @ x.t()).masked_fill(~positive, float("-inf")).amax(1)
    d_neg = distance(negative_similarity(x, labels, synthesis)).masked_fill(~negative, float("inf")).amin(1)
    anchors = positive.any(1) & negative.any(1)
    per_anchor = (d_pos - d_neg + MARGIN).clamp_min(0)
    return per_anchor[anchors].sum() / anchors.sum().clamp_min(1)


def loop(args):
    import torchvision

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    net = getattr(torchvision.models, args.architecture)(num_classes=args.embedding_size)
    net.train()
    optimizer = torch.optim.Adam(net.parameters(), lr=args.lr)
    n = args.classes * args.per_class
    labels = [i // args.per_class for i in range(n)]
    images = torch.rand(n, 3, args.size, args.size)
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        steps = int(words[1])
        phases = [0.0, 0.0, 0.0]
        cpu, start = time.process_time(), time.perf_counter()
        for _ in range(steps):
            t0 = time.process_time()
            loss = triplet_loss(l2_normalize(net(images)), labels, args.synthesis)
            value = loss.item()
            t1 = time.process_time()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            t2 = time.process_time()
            optimizer.step()
            t3 = time.process_time()
            phases = [phases[0] + t1 - t0, phases[1] + t2 - t1, phases[2] + t3 - t2]
        wall = (time.perf_counter() - start) * 1000 / steps
        print(json.dumps({"wall_ms": wall, "cpu_ms": (time.process_time() - cpu) * 1000 / steps,
                          "forward_cpu_ms": phases[0] * 1000 / steps, "backward_cpu_ms": phases[1] * 1000 / steps,
                          "optimizer_cpu_ms": phases[2] * 1000 / steps, "loss": value}), flush=True)


def losses():
    batch = json.load(sys.stdin)
    x = torch.tensor(batch["embeddings"], dtype=torch.float32)
    print(json.dumps({m: triplet_loss(x, batch["labels"], m).item() for m in ("none", "ee", "symm")}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=("loop", "loss"))
    parser.add_argument("--architecture", default="resnet18", choices=("resnet18", "resnet50"))
    parser.add_argument("--size", type=int, default=112)
    parser.add_argument("--classes", type=int, default=4)
    parser.add_argument("--per-class", type=int, default=8)
    parser.add_argument("--synthesis", default="none", choices=("none", "ee", "symm"))
    parser.add_argument("--embedding-size", type=int, default=128)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--lr", type=float, default=1e-4)
    args = parser.parse_args()
    if args.mode == "loop":
        loop(args)
    else:
        losses()


if __name__ == "__main__":
    main()
