#!/usr/bin/python3
"""A plain PyTorch training loop to hold `streamsynth offline` against (issue 13, part 5).

The same small CNN, multi-similarity loss, Embedding Expansion / Symmetrical Synthesis with hard
negative pair mining, P x K sampling and zero-shot Recall@1 protocol as the Java model, written
directly in PyTorch (Debian's python3-torch 1.13) so that a gap between the two points at our code
rather than at the method. Prints one JSON line per run on stdout.

Every setting that differs between a textbook PyTorch loop and our DJL defaults is a flag, so each
difference can be measured alone:
  --init torch|he      torch: PyTorch's default (kaiming_uniform a=sqrt(5), i.e. U(+-1/sqrt(fan_in)),
                       biases U(+-1/sqrt(fan_in))); he: DJL's default for weights (normal, std
                       sqrt(2/fan_in), Xavier IN magnitude 2), biases 0
  --pools 3|2          max pooling after all three conv blocks (28->14->7->3) or after the first two
  --weight-decay W     L2 term added to the gradient (torch.optim.Adam's weight_decay)
  --beta B             multi-similarity's negative scale (default 50, as for the issue's figures)
  --conv-bias          convolutions with a bias (PyTorch's nn.Conv2d default); off by default as in ours
  --mining paper|official|old   hard negative pair mining with ee/symm, as --mining in the Java model;
                       old: the rule before issue 13 (a sample's own group against the other's group)
  --init-from FILE     start from weights and batch-norm statistics in a safetensors file under our names
                       (conv1.weight, bn1.running_mean, fc.bias, ...), e.g. init.safetensors of
                       scripts/H13StepCheck.java: our initial network for a seed; "{seed}" in FILE
                       becomes the seed, so one grid cell can name a file per seed
  --sampler numpy|java numpy: NumPy's default_rng(seed); java: the batches `streamsynth offline --seed N`
                       draws (PkSampler over java.util.Random), so a run can replay ours batch for batch
  --global-pool avg|max|gem3|avgmax   the head's global pooling of the last feature map: average (ours
                       before GeM became the cnn's default), max, GeM with p fixed at 3, or average plus max
  --augment none|flip|shift|flipshift|crop   training augmentation of each batch (numpy.random seeded with the
                       seed): horizontal flip (p 0.5), a shift by up to 2 pixels (zero padding), both, or a
                       random crop of 60-100 % of the area resized back to 28 x 28 and flipped

Run: /usr/bin/python3 scripts/torch-reference.py --synthesis symm --seed 1
"""
import argparse
import gzip
import json
import math
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic, = struct.unpack(">I", raw[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, raw[4:4 + 4 * dims])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(split, classes):
    images = read_idx(f"{DATA}/{split}-images-idx3-ubyte.gz")
    labels = read_idx(f"{DATA}/{split}-labels-idx1-ubyte.gz").astype(np.int64)
    keep = np.isin(labels, sorted(classes))
    # Pixels as byte / 255, one channel, like FashionMnist.load.
    x = torch.from_numpy(images[keep].astype(np.float32) / 255.0).unsqueeze(1)
    return x, torch.from_numpy(labels[keep])


# our parameter names (EmbeddingNetworks' small CNN) -> SmallCnn's
OUR_NAMES = {}
for _block in range(3):
    OUR_NAMES[f"conv{_block + 1}.weight"] = f"features.{4 * _block}.weight"
    for _field in ("weight", "bias", "running_mean", "running_var"):
        OUR_NAMES[f"bn{_block + 1}.{_field}"] = f"features.{4 * _block + 1}.{_field}"
OUR_NAMES["fc.weight"] = "head.weight"
OUR_NAMES["fc.bias"] = "head.bias"


def read_safetensors(path):
    """(name -> float32 tensor, metadata) of a safetensors file of F32 tensors, as SafeTensors.write makes."""
    with open(path, "rb") as f:
        raw = f.read()
    n, = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    out = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} is {info['dtype']}, only F32 is read")
        begin, end = info["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(raw[8 + n + begin:8 + n + end], dtype="<f4").copy()).reshape(
            info["shape"])
    return out, meta


def load_ours(model, tensors, prefix=""):
    """Overwrites the model's parameters and batch-norm statistics with ours (names of OUR_NAMES after prefix)."""
    state = model.state_dict()
    for ours, theirs in OUR_NAMES.items():
        state[theirs] = tensors[prefix + ours].to(state[theirs].dtype)
    model.load_state_dict(state)


class SmallCnn(nn.Module):
    def __init__(self, pools, conv_bias, embedding=128, filters=32, global_pool="avg"):
        super().__init__()
        self.global_pool = global_pool
        layers = []
        channels = 1
        for block, width in enumerate((filters, 2 * filters, 4 * filters)):
            layers += [nn.Conv2d(channels, width, 3, padding=1, bias=conv_bias), nn.BatchNorm2d(width),
                       nn.ReLU(inplace=True)]
            if block < pools:
                layers.append(nn.MaxPool2d(2))
            channels = width
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(channels, embedding)

    def forward(self, x):
        f = self.features(x)
        if self.global_pool == "max":
            x = f.amax(dim=(2, 3))
        elif self.global_pool == "gem3":
            x = f.clamp(min=1e-6).pow(3).mean(dim=(2, 3)).pow(1.0 / 3)
        elif self.global_pool == "avgmax":
            x = f.mean(dim=(2, 3)) + f.amax(dim=(2, 3))
        else:
            x = f.mean(dim=(2, 3))
        x = self.head(x)
        # Same normalisation as EmbeddingNetworks.normalizeRows: epsilon under the square root.
        return x / torch.sqrt((x * x).sum(1, keepdim=True) + 1e-12)


def he_normal_(model):
    """DJL's default: weights N(0, 2/fan_in), biases 0 (Parameter.Type WEIGHT/BIAS)."""
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            fan_in = m.weight[0].numel()
            nn.init.normal_(m.weight, 0.0, math.sqrt(2.0 / fan_in))
            if m.bias is not None:
                nn.init.zeros_(m.bias)


def partners(labels):
    """Neighbour pairing within each class in batch order (NeighbourPairing.partners)."""
    out = [0] * len(labels)
    waiting = {}
    for i, c in enumerate(labels):
        if c in waiting:
            j = waiting.pop(c)
            out[i], out[j] = j, i
        else:
            waiting[c] = i
    return out


def unit(x):
    return x / torch.sqrt((x * x).sum(-1, keepdim=True) + 1e-12)


def groups(e, labels, synthesis, points):
    """(B, g, D): each sample's original first, then its synthetic points."""
    if synthesis == "none":
        return e.unsqueeze(1)
    p = e[torch.tensor(partners(labels))]
    if synthesis == "ee":
        # Ko & Gu 2020, sec. 3.1: internal division points between a sample and its partner.
        n1 = points + 1.0
        slots = [e] + [unit(p * (k / n1) + e * ((n1 - k) / n1)) for k in range(1, points + 1)]
    else:
        # Gu & Ko 2020, sec. 3: each point mirrored about the line through the other.
        def reflect(x, axis):
            s = (x * axis).sum(-1, keepdim=True) / ((axis * axis).sum(-1, keepdim=True) + 1e-12)
            return 2.0 * s * axis - x
        slots = [e, reflect(e, p), reflect(p, e)]
    return torch.stack(slots, 1)


def mining_blocks(synthesis, points, rule):
    """Candidate point pairs of hard negative pair mining, as slots of a sample's pair points
    (0..g-1 its own group, g..2g-1 its partner's group), like each Synthesis.miningPlan.
    old: the rule before issue 13 (own group against the other's group)."""
    g = 1 if synthesis == "none" else (points + 1 if synthesis == "ee" else 3)
    group = list(range(g))
    if synthesis == "none" or rule == "old":
        return g, [(group, group)]
    if synthesis == "ee":
        if rule == "official":
            return g, [(group, group)]
        return g, [(group + [g], group + [g])]
    x, x_mirror, p_mirror, p = 0, 1, 2, 3
    if rule == "official":
        return g, [([x], [p, p_mirror, x_mirror]), ([p], [p_mirror, x_mirror]), ([p_mirror], [x_mirror])]
    return g, [([x], [x, p, x_mirror, p_mirror])]


def mined_negatives(g, labels, blocks):
    """(B, B): for each pair of samples, the closest candidate pair; the max routes the gradient to it."""
    b = g.shape[0]
    pts = torch.cat([g, g[torch.tensor(partners(labels))]], 1) if g.shape[1] > 1 else g
    best = None
    for rows, cols in blocks:
        r, c = pts[:, rows], pts[:, cols]
        sim = torch.einsum("aud,bvd->aubv", r, c).amax(dim=3).amax(dim=1)
        best = sim if best is None else torch.maximum(best, sim)
    return best


def multi_similarity(g, labels, blocks, beta, alpha=2.0, lam=0.5, eps=0.1):
    """Wang et al. 2019 with its own pair mining, on hard-negative-pair-mined negatives."""
    b = g.shape[0]
    e = g[:, 0]
    sim = e @ e.t()
    neg = mined_negatives(g, labels, blocks)
    y = torch.tensor(labels)
    same = y[:, None] == y[None, :]
    pos_mask = same & ~torch.eye(b, dtype=torch.bool)
    neg_mask = ~same
    with torch.no_grad():
        min_pos = torch.where(pos_mask, sim, torch.full_like(sim, 1e4)).amin(1, keepdim=True)
        max_neg = torch.where(neg_mask, neg, torch.full_like(neg, -1e4)).amax(1, keepdim=True)
        kept_neg = neg_mask & (neg + eps > min_pos)
        kept_pos = pos_mask & (sim - eps < max_neg)
        # a synthetic point won a cell when it beats the best pair of originals (as HardNegativePairMiner)
        k = g.shape[1]
        originals = [(r2, c2) for r2, c2 in ([[u for u in r if u % k == 0], [v for v in c if v % k == 0]]
                                             for r, c in blocks) if r2 and c2]
        best_original = mined_negatives(g, labels, originals) if originals else torch.full_like(neg, -2.0)
        share = ((neg > best_original + 1e-5) & neg_mask).sum().item() / max(1, neg_mask.sum().item())
    pos_term = torch.log1p((torch.exp(-alpha * (sim - lam)) * kept_pos).sum(1)) / alpha
    neg_term = torch.log1p((torch.exp(beta * (neg - lam)) * kept_neg).sum(1)) / beta
    return (pos_term + neg_term).mean(), share


def recall_at_1(model, x, y):
    """Cosine 1-NN with the query excluded, over all images of the evaluated classes."""
    model.eval()
    with torch.no_grad():
        e = torch.cat([model(x[i:i + 512]) for i in range(0, len(x), 512)])
        s = e @ e.t()
        s.fill_diagonal_(-float("inf"))
        nearest = s.argmax(1)
    model.train()
    return (y[nearest] == y).float().mean().item()


def augmented(xb, kind, rng):
    """The batch xb (N x 1 x 28 x 28) under --augment kind, drawing from the numpy Generator rng."""
    if kind in ("flip", "flipshift"):
        flip = torch.from_numpy(rng.random(xb.shape[0]) < 0.5)
        xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
    if kind in ("shift", "flipshift"):
        padded = F.pad(xb, (2, 2, 2, 2))
        out = torch.empty_like(xb)
        for i in range(xb.shape[0]):
            dy, dx = rng.integers(0, 5, 2)
            out[i] = padded[i, :, dy:dy + 28, dx:dx + 28]
        xb = out
    if kind == "crop":
        out = torch.empty_like(xb)
        for i in range(xb.shape[0]):
            side = int(round(28 * math.sqrt(rng.uniform(0.6, 1.0))))
            dy, dx = rng.integers(0, 28 - side + 1, 2)
            c = F.interpolate(xb[i:i + 1, :, dy:dy + side, dx:dx + side], size=(28, 28), mode="bilinear",
                              align_corners=False)
            out[i] = (c.flip(3) if rng.random() < 0.5 else c)[0]
        xb = out
    return xb


class PkSampler:
    """P distinct classes, K distinct images each, class-major: the batch order synthesis pairs in."""

    def __init__(self, labels, p, k, rng):
        self.classes = sorted(set(labels.tolist()))
        self.by_class = {c: np.nonzero(labels.numpy() == c)[0] for c in self.classes}
        self.p, self.k, self.rng = p, k, rng

    def next(self):
        chosen = sorted(self.rng.choice(self.classes, self.p, replace=False).tolist())
        idx = np.concatenate([self.rng.choice(self.by_class[c], self.k, replace=False) for c in chosen])
        return torch.from_numpy(idx), [c for c in chosen for _ in range(self.k)]


class JavaRandom:
    """java.util.Random: the 48-bit linear congruential generator and its nextInt(bound)."""
    MASK = (1 << 48) - 1

    def __init__(self, seed):
        self.seed = (seed ^ 0x5DEECE66D) & self.MASK

    def next(self, bits):
        self.seed = (self.seed * 0x5DEECE66D + 0xB) & self.MASK
        r = self.seed >> (48 - bits)
        return r - (1 << 32) if r >= (1 << 31) else r

    def next_int(self, bound):
        r = self.next(31)
        m = bound - 1
        if bound & m == 0:
            return (bound * r) >> 31
        u = r
        r = u % bound
        # Java's int overflow test u - r + m < 0
        while u - r + m >= (1 << 31):
            u = self.next(31)
            r = u % bound
        return r


class JavaPkSampler:
    """The batches of our PkSampler for a seed: the same classes and images in the same order."""

    def __init__(self, labels, p, k, seed):
        values = labels.numpy()
        self.classes = sorted(set(values.tolist()))
        self.by_class = [np.nonzero(values == c)[0] for c in self.classes]
        self.p, self.k, self.random = p, k, JavaRandom(seed)

    def pick(self, n, count):
        """count distinct indices of 0..n-1 by a partial Fisher-Yates shuffle (PkSampler.pick)."""
        all_ = list(range(n))
        for i in range(count):
            j = i + self.random.next_int(n - i)
            all_[i], all_[j] = all_[j], all_[i]
        return all_[:count]

    def next(self):
        chosen = sorted(self.pick(len(self.classes), self.p))
        idx = np.concatenate([self.by_class[c][self.pick(len(self.by_class[c]), self.k)] for c in chosen])
        return torch.from_numpy(idx), [self.classes[c] for c in chosen for _ in range(self.k)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--synthesis", choices=("none", "ee", "symm"), default="none")
    ap.add_argument("--ee-points", type=int, default=2)
    ap.add_argument("--mining", choices=("paper", "official", "old"), default="paper")
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--classes-per-batch", type=int, default=5)
    ap.add_argument("--samples-per-class", type=int, default=16)
    ap.add_argument("--train-classes", default="0,1,5,7,8")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--lr", type=float, default=1e-3)
    # 50: the issue's reference figures; the Java default is the authors' released 40
    ap.add_argument("--beta", type=float, default=50.0)
    ap.add_argument("--weight-decay", type=float, default=0.0)
    ap.add_argument("--init", choices=("torch", "he"), default="torch")
    ap.add_argument("--pools", type=int, choices=(2, 3), default=3)
    ap.add_argument("--conv-bias", action="store_true")
    ap.add_argument("--init-from", default=None)
    ap.add_argument("--sampler", choices=("numpy", "java"), default="numpy")
    ap.add_argument("--global-pool", choices=("avg", "max", "gem3", "avgmax"), default="avg")
    ap.add_argument("--augment", choices=("none", "flip", "shift", "flipshift", "crop"), default="none")
    args = ap.parse_args()
    if args.init_from and (args.conv_bias or args.init != "torch"):
        ap.error("--init-from replaces the initialisation: it goes without --init he and --conv-bias")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    train_classes = {int(c) for c in args.train_classes.split(",")}
    unseen = set(range(10)) - train_classes
    x_train, y_train = load("train", train_classes)
    x_test, y_test = load("t10k", unseen)

    model = SmallCnn(args.pools, args.conv_bias, global_pool=args.global_pool)
    augment_rng = np.random.default_rng([args.seed, 1])
    if args.init == "he":
        he_normal_(model)
    if args.init_from:
        args.init_from = args.init_from.replace("{seed}", str(args.seed))
        load_ours(model, read_safetensors(args.init_from)[0])
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    untrained = recall_at_1(model, x_test, y_test)
    sampler = (JavaPkSampler(y_train, args.classes_per_batch, args.samples_per_class, args.seed)
               if args.sampler == "java" else PkSampler(y_train, args.classes_per_batch, args.samples_per_class, rng))
    start = time.time()
    _, blocks = mining_blocks(args.synthesis, args.ee_points, args.mining)
    losses, shares = [], []
    for _ in range(args.steps):
        idx, labels = sampler.next()
        xb = x_train[idx] if args.augment == "none" else augmented(x_train[idx], args.augment, augment_rng)
        loss, share = multi_similarity(groups(model(xb), labels, args.synthesis, args.ee_points), labels,
                                       blocks, args.beta)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        shares.append(share)
    seconds = time.time() - start
    tail = losses[-min(50, len(losses)):]
    mean = (lambda v: round(sum(v) / len(v), 4) if v else None)  # --steps 0: the untrained network only
    print(json.dumps({
        "impl": "torch-reference", "loss": "ms", "synthesis": args.synthesis, "ee_points": args.ee_points,
        "mining": args.mining,
        "seed": args.seed, "steps": args.steps, "p": args.classes_per_batch, "k": args.samples_per_class,
        "init": ("file:" + args.init_from) if args.init_from else args.init, "sampler": args.sampler,
        "global_pool": args.global_pool, "augment": args.augment,
        "pools": args.pools, "weight_decay": args.weight_decay, "conv_bias": args.conv_bias,
        "lr": args.lr, "beta": args.beta, "train_classes": sorted(train_classes),
        "untrained_r_at_1": round(untrained, 4), "r_at_1": round(recall_at_1(model, x_test, y_test), 4),
        "loss_tail": mean(tail), "synthetic_share": mean(shares),
        "ms_per_step": round(1000 * seconds / max(1, args.steps), 1)}))


if __name__ == "__main__":
    main()
