#!/usr/bin/env python3
"""Generate the PyTorch golden reference for SeqGen's FrameHead (the SampleRNN sample tier).

Writes fixtures/reference/frame_head_golden.json (relative to the repo root) with one block
per case ("framed": frame size 4, window 4 as SampleRNN; "shortWindow": window 2 < frame 4;
"longWindow": window 5 > frame 2, reaching past the previous frame; "oneTier": frame size 1,
window 0, no embedding or mlp.0).

The torch module mirrors Sources/SeqGenEngine/FrameHead.swift. A target row holds W + N
levels: the W samples before the frame, then the frame, t = [s[-W], ..., s[-1], s[0], ..., s[N-1]].

    cond  (R, N*D)   decoder output rows; row r, position j is cond[r, j*D:(j+1)*D]
    x_j   = concat(emb(s[j-1]), ..., emb(s[j-W]))   the window slides across the frame boundary
    h1    = relu(cond_j + mlp.0(x_j))      mlp.0 = Linear(W*E, D, bias=False)
    h2    = relu(mlp.2(h1))                mlp.2 = Linear(D, D)
    logit = mlp.4(h2)                      mlp.4 = Linear(D, Q)
    loss  = sum over rows with a target and positions of cross-entropy of s[j] (nats)

Rows whose target is null are padding: no loss, zero gradient. The recorded gradients are of
`scale * loss` (as the engine scales them), for cond and for every head tensor
(head.embedding.weight, head.mlp.0.weight, head.mlp.2.weight/bias, head.mlp.4.weight/bias),
plus the teacher-forced logits (M, Q) of the rows with a target, in row order.

All computation is float32; values are written as the exact float64 image of each float32.
Tensors are {"shape": [...], "data": [flat row-major]}. Deterministic (torch.manual_seed).

Run from the repo root:

    /root/.venvs/peer/bin/python scripts/make_frame_head_golden.py

The Swift tests (Tests/SeqGenEngineTests/FrameHeadTests.swift) read only the JSON.
"""

import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                   "fixtures", "reference", "frame_head_golden.json")


def enc(t):
    t = t.detach()
    assert t.dtype == torch.float32, t.dtype
    assert torch.isfinite(t).all()
    return {"shape": list(t.shape), "data": t.double().reshape(-1).tolist()}


class FrameHead(nn.Module):
    def __init__(self, N, W, Q, D, E):
        super().__init__()
        self.N, self.Q, self.D, self.E, self.W = N, Q, D, E, W
        if self.W > 0:
            self.embedding = nn.Embedding(Q, E)
        layers = [nn.Linear(self.W * E, D, bias=False) if self.W > 0 else nn.Identity(),
                  nn.ReLU(), nn.Linear(D, D), nn.ReLU(), nn.Linear(D, Q)]
        self.mlp = nn.Sequential(*layers)

    def forward(self, cond, targets):
        # cond (M_rows, N*D), targets (M_rows, W+N) long -> logits (M_rows*N, Q)
        R = cond.shape[0]
        N, W = self.N, self.W
        c = cond.reshape(R, N, self.D)
        if W > 0:
            e = self.embedding(targets)                     # (R, W+N, E); s[i] is column W+i
            # position j, slot k-1 is s[j-k], column W+j-k: a sliding window over the row
            x = torch.cat([e[:, W - k:W - k + N, :] for k in range(1, W + 1)], dim=2)  # (R, N, W*E)
            a1 = c + self.mlp[0](x)
        else:
            a1 = c
        h2 = self.mlp[3](self.mlp[2](self.mlp[1](a1)))
        return self.mlp[4](h2).reshape(R * self.N, self.Q)


def case(seed, N, W, Q, D, E, targets, scale):
    torch.manual_seed(seed)
    head = FrameHead(N, W, Q, D, E)
    with torch.no_grad():  # larger weights than the default, so ReLUs and softmax leave their linear region
        for p in head.parameters():
            p.mul_(2.0)
    R = len(targets)
    cond = (torch.randn(R, N * D) * 1.5).requires_grad_(True)
    valid = [r for r, t in enumerate(targets) if t is not None]
    assert all(len(targets[r]) == W + N for r in valid)
    rows = torch.tensor([targets[r] for r in valid], dtype=torch.long)
    logits = head(cond[valid], rows)
    loss = F.cross_entropy(logits, rows[:, W:].reshape(-1), reduction="sum")
    (loss * scale).backward()
    weights = {f"head.{n}": enc(p) for n, p in head.named_parameters()}
    grads = {f"head.{n}": enc(p.grad) for n, p in head.named_parameters()}
    return {
        "config": {"frameSize": N, "window": W, "levels": Q, "hiddenSize": D, "embeddingSize": E, "rows": R, "scale": scale},
        "weights": weights,
        "output": enc(cond),
        "targets": targets,
        "logits": enc(logits),
        "loss": float(loss.item()),
        "dOutput": enc(cond.grad),
        "gradients": grads,
    }


def main():
    golden = {
        "framed": case(2024, N=4, W=4, Q=11, D=6, E=3, scale=0.25,
                       targets=[[5, 5, 5, 5, 3, 0, 10, 7], None, [3, 0, 10, 7, 5, 5, 1, 9], [6, 4, 1, 1, 0, 2, 2, 8]]),
        "shortWindow": case(2026, N=4, W=2, Q=11, D=6, E=3, scale=0.5,
                            targets=[[1, 9, 3, 0, 10, 7], [10, 7, 5, 5, 1, 9], None]),
        "longWindow": case(2027, N=2, W=5, Q=7, D=4, E=2, scale=1.0,
                           targets=[None, [0, 1, 2, 3, 4, 5, 6], [6, 6, 3, 3, 0, 1, 2]]),
        "oneTier": case(2025, N=1, W=0, Q=9, D=5, E=3, scale=0.5,
                        targets=[[4], [8], None, [0], [2]]),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
