#!/usr/bin/python3
"""Replays our training steps in the PyTorch reference and prints where the two differ (issue 13, part 5).

Reads the directory scripts/H13StepCheck.java wrote (our initial weights, each step's batch, embeddings,
loss, gradients and updated weights, and eval-mode embeddings after the last step), loads the initial
weights into scripts/torch-reference.py's SmallCnn, and runs the reference's own step (its groups(),
mining_blocks(), multi_similarity() and torch.optim.Adam) on the same batches. Two passes:

  synced   before every step the reference takes our weights and batch-norm statistics of that moment,
           so each step's loss, embeddings and gradients are compared from the same starting point
           (no drift carried over);
  free     the reference trains on from the initial weights on its own, as a run would; the weights,
           running statistics and, after the last step, the eval-mode embeddings are compared.

Every figure is max |ours - reference| over a tensor's elements divided by max |reference| over it (for
gradients and weights: the largest such over the parameters, with the parameter named). float64 runs the
reference in double precision, so what remains is our float32 rounding plus any real difference.

Run: /usr/bin/python3 scripts/h13-step-check.py runs/step-symm-1 --synthesis symm [--dtype float64] [--beta 40]
"""
import argparse
import importlib.util
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("torch_reference", os.path.join(HERE, "torch-reference.py"))
ref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ref)

NAMES = ref.OUR_NAMES
read_safetensors = ref.read_safetensors
load_ours = ref.load_ours


def rel(ours, theirs):
    ours = ours.double()
    theirs = theirs.detach().double()
    scale = theirs.abs().max().item()
    return (ours - theirs).abs().max().item() / (scale if scale > 0 else 1.0)


def worst(pairs):
    """(figure, name) of the largest relative difference over named (ours, reference) tensor pairs."""
    return max((rel(a, b), name) for name, (a, b) in pairs.items())


def step(model, optimizer, batch, args, blocks):
    x = batch["pixels"].to(args.torch_dtype)
    labels = [int(v) for v in batch["labels"].tolist()]
    model.train()
    e = model(x)
    loss, share = ref.multi_similarity(ref.groups(e, labels, args.synthesis, args.ee_points), labels, blocks,
                                       args.beta)
    optimizer.zero_grad()
    loss.backward()
    grads = {ours: dict(model.named_parameters())[theirs].grad.detach().clone() for ours, theirs in NAMES.items()
             if "running" not in ours}
    optimizer.step()
    return loss.detach(), e.detach(), grads, share


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--synthesis", choices=("none", "ee", "symm"), required=True)
    ap.add_argument("--ee-points", type=int, default=2)
    ap.add_argument("--mining", choices=("paper", "official"), default="paper")
    ap.add_argument("--beta", type=float, default=40.0, help="our default (MultiSimilarityLoss.DEFAULT_BETA)")
    ap.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    args = ap.parse_args()
    args.torch_dtype = torch.float64 if args.dtype == "float64" else torch.float32
    torch.set_num_threads(1)
    steps = sorted(int(f[5:-12]) for f in os.listdir(args.dir) if f.startswith("step-") and f.endswith(".safetensors"))
    init, init_meta = read_safetensors(os.path.join(args.dir, "init.safetensors"))
    _, blocks = ref.mining_blocks(args.synthesis, args.ee_points, args.mining)

    print(f"{args.dir}: {args.synthesis}, mining {args.mining}, beta {args.beta}, reference in {args.dtype}")
    # the reference's --sampler java must draw exactly the batches ours drew for the seed
    x_train, y_train = ref.load("train", {0, 1, 5, 7, 8})
    sampler = ref.JavaPkSampler(y_train, 5, 16, int(init_meta["seed"]))
    for _ in range(int(init_meta.get("first_step", "1")) - 1):
        sampler.next()
    same = 0
    for s in steps:
        batch, _ = read_safetensors(os.path.join(args.dir, f"step-{s}.safetensors"))
        idx, labels = sampler.next()
        same += int(torch.equal(x_train[idx], batch["pixels"]) and labels == [int(v) for v in batch["labels"].tolist()])
    print(f"batches of torch-reference.py --sampler java --seed {init_meta['seed']}: {same} of {len(steps)} identical to ours")
    print("synced (the reference starts every step from our weights of that moment):")
    print("step  loss ours   loss ref    rel loss   rel embeddings   rel gradient (worst parameter)   "
          "share ours / ref")
    previous = init
    for s in steps:
        batch, meta = read_safetensors(os.path.join(args.dir, f"step-{s}.safetensors"))
        model = ref.SmallCnn(3, False).to(args.torch_dtype)
        load_ours(model, previous)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss, e, grads, share = step(model, optimizer, batch, args, blocks)
        g, gname = worst({n: (batch["grad/" + n], grads[n]) for n in grads})
        print(f"{s:4d}  {batch['loss'].item():.6f}   {loss.item():.6f}   {rel(batch['loss'], loss):.2e}   "
              f"{rel(batch['embeddings'], e):.2e}         {g:.2e} ({gname})".ljust(100)
              + f"{float(meta['synthetic_share']):.3f} / {share:.3f}")
        previous = {n: batch["after/" + n] for n in NAMES}

    print("free (the reference trains on from the initial weights by itself):")
    print("step  rel loss   rel gradient (worst)            rel weights after (worst)       "
          "rel running stats (worst)")
    model = ref.SmallCnn(3, False).to(args.torch_dtype)
    load_ours(model, init)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    adam_steps = int(init_meta.get("adam_steps", "0"))
    if adam_steps:
        # a late start: Adam's moments and step count as ours had them
        by_name = dict(model.named_parameters())
        for ours, theirs in NAMES.items():
            if "running" not in ours:
                optimizer.state[by_name[theirs]] = {
                    "step": torch.tensor(float(adam_steps)),
                    "exp_avg": init["m/" + ours].to(args.torch_dtype).clone(),
                    "exp_avg_sq": init["v/" + ours].to(args.torch_dtype).clone()}
    for s in steps:
        batch, _ = read_safetensors(os.path.join(args.dir, f"step-{s}.safetensors"))
        loss, _, grads, _ = step(model, optimizer, batch, args, blocks)
        state = model.state_dict()
        g, gname = worst({n: (batch["grad/" + n], grads[n]) for n in grads})
        w, wname = worst({n: (batch["after/" + n], state[t]) for n, t in NAMES.items() if "running" not in n})
        r, rname = worst({n: (batch["after/" + n], state[t]) for n, t in NAMES.items() if "running" in n})
        print(f"{s:4d}  {rel(batch['loss'], loss):.2e}   {g:.2e} ({gname})".ljust(48)
              + f"{w:.2e} ({wname})".ljust(32) + f"{r:.2e} ({rname})")
    evaluated, _ = read_safetensors(os.path.join(args.dir, "eval.safetensors"))
    model.eval()
    with torch.no_grad():
        e = model(evaluated["eval_pixels"].to(args.torch_dtype))
    cos = (e.double() * evaluated["eval_embeddings"].double()).sum(1)
    print(f"eval-mode embeddings after step {steps[-1]}: rel {rel(evaluated['eval_embeddings'], e):.2e}, "
          f"cosine ours . ref min {cos.min().item():.6f}")


if __name__ == "__main__":
    main()
