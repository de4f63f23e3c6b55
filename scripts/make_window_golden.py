#!/usr/bin/env python3
"""Generate the PyTorch golden reference for SeqGen's conditioned stack (WindowedLSTM).

Produces fixtures/reference/window_golden.json (relative to the repo root).

The network (Graves 2013, section 5; Sources/SeqGenEngine/WindowedLSTM.swift):

    h1_t = LSTMCell_0([x_t, w_{t-1}], h1_{t-1})
    (a, b, k)_hat = window(h1_t);  alpha = exp(a), beta = exp(b), kappa_t = kappa_{t-1} + exp(k)
    phi(u) = sum_k alpha_k exp(-beta_k (kappa_k - u)^2),  u = 0 .. U-1
    w_t = sum_u phi(u) onehot(c_u)
    h^l_t = LSTMCell_l([x_t, h^{l-1}_t, w_t], h^l_{t-1})   l = 1 .. L-1
    logits_t = decoder([h^0_t, ..., h^{L-1}_t])

Cross-entropy summed over rows with a target, times 1/count (the trainer's convention), from a
non-zero initial state (every layer's h and c, kappa, w) over one chunk (T=4, B=2) with a
reset inside stream 1 (the state, kappa and w are zeroed before that step) and the two streams
reading conditions of different lengths.  Records weights (torch names, as the checkpoint
holds them), the loss, every parameter gradient, the gradient of every part of the initial
state, and the weights after one Adam step (lr=0.01, betas=(0.9, 0.999), eps=1e-8, no clip).

float64 throughout, from float32-representable inputs.  Tensors are
{"shape": [...], "data": [flat row-major list]}.  Deterministic (torch.manual_seed(2013)).

Run from the repo root:

    python3 scripts/make_window_golden.py

with a Python that has torch (a virtual environment: `python3 -m venv ~/torchenv &&
~/torchenv/bin/pip install torch`, then activate it).  The Swift tests read only the
JSON; torch is not needed to run them.
"""

import json
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                   "fixtures", "reference", "window_golden.json")

I, H, L, C, K, V, T, B = 3, 5, 2, 4, 2, 6, 4, 2
LR, BETAS, EPS = 0.01, (0.9, 0.999), 1e-8


def f32(t):
    return t.float().double()


def enc(t):
    t = t.detach()
    assert torch.isfinite(t).all()
    return {"shape": list(t.shape), "data": t.double().reshape(-1).tolist()}


def cell(x, h, c, w_ih, w_hh, b_ih, b_hh):
    gates = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh
    i, f, g, o = gates.chunk(4, dim=-1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


def main():
    torch.manual_seed(2013)
    shapes = {"lstm.weight_ih_l0": (4 * H, I + C), "lstm.weight_hh_l0": (4 * H, H),
              "lstm.bias_ih_l0": (4 * H,), "lstm.bias_hh_l0": (4 * H,),
              "window.weight": (3 * K, H), "window.bias": (3 * K,)}
    for l in range(1, L):
        shapes.update({f"lstm.weight_ih_l{l}": (4 * H, I + H + C), f"lstm.weight_hh_l{l}": (4 * H, H),
                       f"lstm.bias_ih_l{l}": (4 * H,), f"lstm.bias_hh_l{l}": (4 * H,)})
    shapes.update({"decoder.weight": (V, L * H), "decoder.bias": (V,)})
    p = {n: f32(torch.rand(s, dtype=torch.float64) * 1.6 - 0.8).requires_grad_(True) for n, s in shapes.items()}
    with torch.no_grad():
        p["window.bias"][2 * K:] = -0.5  # the window moves about 0.6 classes per step

    x = f32(torch.randn(T, B, I, dtype=torch.float64))
    classes = [[0, 2, 1, 3, 2], [3, 1, 1]]
    resets = [[False, False], [False, False], [False, True], [False, False]]
    targets = [[1, 4], [None, 0], [5, 2], [3, None]]
    h0 = f32(torch.rand(L, B, H, dtype=torch.float64) - 0.5).requires_grad_(True)
    c0 = f32(torch.rand(L, B, H, dtype=torch.float64) - 0.5).requires_grad_(True)
    kappa0 = f32(torch.rand(B, K, dtype=torch.float64) * 2).requires_grad_(True)
    window0 = f32(torch.rand(B, C, dtype=torch.float64) * 0.5).requires_grad_(True)
    onehot = [F.one_hot(torch.tensor(c), C).double() for c in classes]  # (U_b, C)

    hs = [[h0[l, b] for b in range(B)] for l in range(L)]
    cs = [[c0[l, b] for b in range(B)] for l in range(L)]
    kappa = [kappa0[b] for b in range(B)]
    w = [window0[b] for b in range(B)]
    total, count = 0.0, 0
    for t in range(T):
        for b in range(B):
            if resets[t][b]:
                for l in range(L):
                    hs[l][b] = torch.zeros(H, dtype=torch.float64)
                    cs[l][b] = torch.zeros(H, dtype=torch.float64)
                kappa[b] = torch.zeros(K, dtype=torch.float64)
                w[b] = torch.zeros(C, dtype=torch.float64)
            hs[0][b], cs[0][b] = cell(torch.cat([x[t, b], w[b]]), hs[0][b], cs[0][b], p["lstm.weight_ih_l0"],
                                      p["lstm.weight_hh_l0"], p["lstm.bias_ih_l0"], p["lstm.bias_hh_l0"])
            q = hs[0][b] @ p["window.weight"].T + p["window.bias"]
            alpha, beta = torch.exp(q[:K]), torch.exp(q[K:2 * K])
            kappa[b] = kappa[b] + torch.exp(q[2 * K:])
            u = torch.arange(len(classes[b]), dtype=torch.float64)
            phi = (alpha[None, :] * torch.exp(-beta[None, :] * (kappa[b][None, :] - u[:, None]) ** 2)).sum(1)
            w[b] = phi @ onehot[b]
            below = hs[0][b]
            for l in range(1, L):
                hs[l][b], cs[l][b] = cell(torch.cat([x[t, b], below, w[b]]), hs[l][b], cs[l][b],
                                          p[f"lstm.weight_ih_l{l}"], p[f"lstm.weight_hh_l{l}"],
                                          p[f"lstm.bias_ih_l{l}"], p[f"lstm.bias_hh_l{l}"])
                below = hs[l][b]
            logits = torch.cat([hs[l][b] for l in range(L)]) @ p["decoder.weight"].T + p["decoder.bias"]
            if targets[t][b] is not None:
                total = total + F.cross_entropy(logits[None, :], torch.tensor([targets[t][b]]), reduction="sum")
                count += 1
    loss = total / count
    loss.backward()

    adam = torch.optim.Adam(p.values(), lr=LR, betas=BETAS, eps=EPS)
    weights = {n: enc(v) for n, v in p.items()}
    gradients = {n: enc(v.grad) for n, v in p.items()}
    adam.step()

    golden = {
        "generator": "scripts/make_window_golden.py",
        "torch": torch.__version__,
        "config": {"inputSize": I, "hiddenSize": H, "numLayers": L, "classes": C, "mixtures": K,
                   "outputSize": V, "seqLength": T, "batchSize": B,
                   "learningRate": LR, "beta1": BETAS[0], "beta2": BETAS[1], "eps": EPS},
        "inputs": enc(x), "conditions": classes, "resets": resets, "targets": targets,
        "h0": enc(h0), "c0": enc(c0), "kappa0": enc(kappa0), "window0": enc(window0),
        "weights": weights, "loss": loss.item(), "targetCount": count, "gradients": gradients,
        "gradH0": enc(h0.grad), "gradC0": enc(c0.grad), "gradKappa0": enc(kappa0.grad),
        "gradWindow0": enc(window0.grad),
        "weightsAfterAdam": {n: enc(v) for n, v in p.items()},
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.normpath(OUT)}: loss {loss.item():.6f} over {count} targets")


if __name__ == "__main__":
    main()
