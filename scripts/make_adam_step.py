"""Writes model/src/main/resources/io/streamsynth/model/train/adam_step.pt: torch.optim.Adam's update for a
list of parameters, as a TorchScript module that our Adam (model/.../train/Adam.java) runs through DJL.

Why a module: DJL has no call for torch's in-place addcmul_ and addcdiv_, and an update written with
DJL's NDArray calls took about twelve tensor operations and four full-size temporaries per parameter,
744 JNI calls for ResNet-18 (docs/BENCHMARKS.md section 9). As one TorchScript call it is torch's own
op sequence over every parameter.

The update is torch 1.13's _single_tensor_adam (torch/optim/adam.py, amsgrad off, maximize off), for
each parameter i with gradient g (all finite: forward's caller checks them, minimize checks them itself):
    g = g + weight_decay * p                 (only when weight_decay != 0; a new tensor)
    m = beta1 * m + (1 - beta1) * g          (in place)
    v = beta2 * v + (1 - beta2) * g * g      (in place)
    denom = sqrt(v) / sqrt(1 - beta2^step) + eps
    p -= lr * lr_scales[i] / (1 - beta1^step) * m / denom   (in place)
then forward zeroes the gradient in place (a fill); no autograd: it runs under no_grad. The method minimize
takes the loss instead of the gradients, runs the backward pass itself and leaves .grad alone (its
docstring; ParameterOptimizer.minimize).

Run once with Debian's torch 1.13 (python3-torch); libtorch 2.7.1 loads the file:
    /usr/bin/python3 scripts/make_adam_step.py
"""
from pathlib import Path
from typing import List

import torch

OUT = Path(__file__).resolve().parent.parent / "model/src/main/resources/io/streamsynth/model/train/adam_step.pt"


class AdamStep(torch.nn.Module):
    def forward(self, params: List[torch.Tensor], grads: List[torch.Tensor], exp_avgs: List[torch.Tensor],
                exp_avg_sqs: List[torch.Tensor], lr_scales: List[float], step: int, lr: float, beta1: float,
                beta2: float, eps: float, weight_decay: float) -> int:
        with torch.no_grad():
            self.update(params, grads, exp_avgs, exp_avg_sqs, lr_scales, step, lr, beta1, beta2, eps, weight_decay)
            for g in grads:
                g.zero_()
            return len(params)

    @torch.jit.export
    def minimize(self, loss: torch.Tensor, params: List[torch.Tensor], exp_avgs: List[torch.Tensor],
                 exp_avg_sqs: List[torch.Tensor], lr_scales: List[float], step: int, lr: float, beta1: float,
                 beta2: float, eps: float, weight_decay: float) -> int:
        """The backward pass of loss and the update in one: torch.autograd.grad hands each gradient over as a
        fresh tensor, where a backward pass into .grad adds it to a zeroed one that the update zeroes again
        (torch's own optimizer.zero_grad(set_to_none=True), which DJL cannot express). A parameter the loss
        does not reach gets a zero gradient, as in .grad. Returns 0 and changes nothing when the sum of every
        gradient element is not finite (ParameterOptimizer's rule: the same sums in the same order), else
        the number of parameters updated."""
        found = torch.autograd.grad([loss], params, allow_unused=True)
        grads: List[torch.Tensor] = []
        for i in range(len(params)):
            g = found[i]
            grads.append(torch.zeros_like(params[i]) if g is None else g)
        with torch.no_grad():
            if len(grads) > 0:
                total = grads[0].sum()
                for i in range(1, len(grads)):
                    total = total + grads[i].sum()
                if not bool(torch.isfinite(total)):
                    return 0
            self.update(params, grads, exp_avgs, exp_avg_sqs, lr_scales, step, lr, beta1, beta2, eps, weight_decay)
            return len(params)

    def update(self, params: List[torch.Tensor], grads: List[torch.Tensor], exp_avgs: List[torch.Tensor],
              exp_avg_sqs: List[torch.Tensor], lr_scales: List[float], step: int, lr: float, beta1: float,
              beta2: float, eps: float, weight_decay: float):
        bias_correction1 = 1.0 - beta1 ** step
        bias_correction2_sqrt = (1.0 - beta2 ** step) ** 0.5
        for i in range(len(params)):
            p = params[i]
            g = grads[i]
            if weight_decay != 0.0:
                g = g.add(p, alpha=weight_decay)
            m = exp_avgs[i]
            v = exp_avg_sqs[i]
            m.mul_(beta1).add_(g, alpha=1.0 - beta1)
            v.mul_(beta2).addcmul_(g, g, value=1.0 - beta2)
            denom = (v.sqrt() / bias_correction2_sqrt).add_(eps)
            p.addcdiv_(m, denom, value=-(lr * lr_scales[i] / bias_correction1))


def main():
    module = torch.jit.script(AdamStep())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    module.save(str(OUT))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes) with torch {torch.__version__}")


if __name__ == "__main__":
    main()
