"""Writes model/src/main/resources/io/streamsynth/model/train/adam_step.pt: torch.optim.Adam's update for a
list of parameters, as a TorchScript module that our Adam (model/.../train/Adam.java) runs through DJL.

Why a module: DJL has no call for torch's in-place addcmul_ and addcdiv_, and an update written with
DJL's NDArray calls took about twelve tensor operations and four full-size temporaries per parameter,
744 JNI calls for ResNet-18 (docs/BENCHMARKS.md section 9). As one TorchScript call it is torch's own
op sequence over every parameter.

The update is torch 1.13's _single_tensor_adam (torch/optim/adam.py, amsgrad off, maximize off), for
each parameter i with gradient g (all finite: the caller checks):
    g = g + weight_decay * p                 (only when weight_decay != 0; a new tensor)
    m = beta1 * m + (1 - beta1) * g          (in place)
    v = beta2 * v + (1 - beta2) * g * g      (in place)
    denom = sqrt(v) / sqrt(1 - beta2^step) + eps
    p -= lr * lr_scales[i] / (1 - beta1^step) * m / denom   (in place)
then the gradient is zeroed in place (a fill). No autograd: the whole forward runs under no_grad.

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
                grads[i].zero_()
            return len(params)


def main():
    module = torch.jit.script(AdamStep())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    module.save(str(OUT))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes) with torch {torch.__version__}")


if __name__ == "__main__":
    main()
