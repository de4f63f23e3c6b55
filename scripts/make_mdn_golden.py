#!/usr/bin/env python3
"""Generate the PyTorch golden reference for SeqGen's mixture-density head.

Produces fixtures/reference/mdn_golden.json (relative to the repo root).

The head (Sources/SeqGenEngine/MixtureDensityHead.swift) reads 6M+1 numbers per row:
[e_hat, pi_hat(M), mu_x(M), mu_y(M), log_sigma_x_hat(M), log_sigma_y_hat(M), rho_hat(M)]
with p(eos) = sigmoid(e_hat), pi = softmax(pi_hat), sigma = exp(clamp(s_hat, min=log(sigma_min))),
rho = clamp(tanh(rho_hat), -rho_max, rho_max).  The loss of a row is
-logsumexp_k(log pi_k + log N(x, y | mu_k, sigma_k, rho_k)) + BCEWithLogits(e_hat, eos),
summed over rows that have a target; padding rows add nothing.

Cases (M = 3, N = 6 rows, one of them padding):
* "ordinary": random outputs and targets;
* "extreme": the same plus rows with sigma below the floor (s_hat = -20), rho beyond the
  clamp (rho_hat = +-12), a target far from every mean and a huge eos logit, so the
  stable paths (floor, clamp, log-sum-exp) are exercised.

Everything is computed in float64 from float32-representable inputs; gradients are of the
summed loss times `scale` (the engine's convention), with respect to the raw outputs.
Tensors are {"shape": [...], "data": [flat row-major list]}.  Deterministic
(torch.manual_seed(4321)).

Run from the repo root:

    /root/.venvs/peer/bin/python scripts/make_mdn_golden.py

The Swift tests read only the JSON; torch is not needed to run them.
"""

import json
import math
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                   "fixtures", "reference", "mdn_golden.json")

M = 3
SIGMA_MIN = 1e-3
RHO_MAX = 1 - 1e-4
SCALE = 0.25


def f32(t):
    """Round to float32 and back, so Swift reads exactly the inputs torch used."""
    return t.float().double()


def enc(t):
    t = t.detach()
    assert torch.isfinite(t).all()
    return {"shape": list(t.shape), "data": t.double().reshape(-1).tolist()}


def mdn_loss(y, dx, dy, eos, mask):
    e_hat = y[:, 0]
    pi_hat = y[:, 1:1 + M]
    mu_x = y[:, 1 + M:1 + 2 * M]
    mu_y = y[:, 1 + 2 * M:1 + 3 * M]
    s_x = torch.clamp(y[:, 1 + 3 * M:1 + 4 * M], min=math.log(SIGMA_MIN))
    s_y = torch.clamp(y[:, 1 + 4 * M:1 + 5 * M], min=math.log(SIGMA_MIN))
    rho = torch.clamp(torch.tanh(y[:, 1 + 5 * M:1 + 6 * M]), -RHO_MAX, RHO_MAX)
    a = (dx[:, None] - mu_x) / torch.exp(s_x)
    b = (dy[:, None] - mu_y) / torch.exp(s_y)
    q = 1 - rho ** 2
    z = a ** 2 + b ** 2 - 2 * rho * a * b
    log_n = -math.log(2 * math.pi) - s_x - s_y - 0.5 * torch.log(q) - z / (2 * q)
    log_pi = F.log_softmax(pi_hat, dim=1)
    nll_xy = -torch.logsumexp(log_pi + log_n, dim=1)
    nll_eos = F.binary_cross_entropy_with_logits(e_hat, eos, reduction="none")
    return ((nll_xy + nll_eos) * mask).sum()


def case(y, dx, dy, eos, mask):
    y = f32(y).requires_grad_(True)
    dx, dy = f32(dx), f32(dy)
    loss = mdn_loss(y, dx, dy, eos, mask)
    (loss * SCALE).backward()
    return {
        "output": enc(y),
        "dx": dx.tolist(),
        "dy": dy.tolist(),
        "eos": [bool(v) for v in eos.tolist()],
        "hasTarget": [bool(v) for v in mask.tolist()],
        "loss": loss.item(),
        "gradient": enc(y.grad),
    }


def main():
    torch.manual_seed(4321)
    n, w = 6, 6 * M + 1
    y = torch.randn(n, w, dtype=torch.float64)
    y[:, 1 + 3 * M:1 + 5 * M] = y[:, 1 + 3 * M:1 + 5 * M] * 0.5 - 0.5  # sigmas around 0.6
    dx = torch.randn(n, dtype=torch.float64)
    dy = torch.randn(n, dtype=torch.float64)
    eos = torch.tensor([1, 0, 0, 1, 0, 1], dtype=torch.float64)
    mask = torch.tensor([1, 1, 0, 1, 1, 1], dtype=torch.float64)
    ordinary = case(y.clone(), dx, dy, eos, mask)

    y2 = y.clone()
    y2[0, 1 + 3 * M] = -20.0          # sigma_x below the floor
    y2[1, 1 + 4 * M + 1] = -30.0      # sigma_y below the floor
    y2[3, 1 + 5 * M] = 12.0           # rho -> +1, clamped
    y2[4, 1 + 5 * M + 2] = -12.0      # rho -> -1, clamped
    y2[5, 0] = 40.0                   # near-certain eos
    y2[1, 0] = -40.0
    dx2, dy2 = dx.clone(), dy.clone()
    dx2[4], dy2[4] = 25.0, -30.0      # far from every mean
    extreme = case(y2, dx2, dy2, eos, mask)

    golden = {
        "generator": "scripts/make_mdn_golden.py",
        "torch": torch.__version__,
        "components": M,
        "sigmaMin": SIGMA_MIN,
        "rhoMax": RHO_MAX,
        "scale": SCALE,
        "cases": {"ordinary": ordinary, "extreme": extreme},
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.normpath(OUT)}: ordinary loss {ordinary['loss']:.6f}, extreme loss {extreme['loss']:.6f}")


if __name__ == "__main__":
    main()
