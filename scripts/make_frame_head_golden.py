#!/usr/bin/env python3
"""Generate the PyTorch golden reference for SeqGen's FrameHead (the SampleRNN sample tier).

Writes fixtures/reference/frame_head_golden.json (relative to the repo root) with one block
per case ("framed": frame size 4; "oneTier": frame size 1, no embedding or mlp.0).

The torch module mirrors Sources/SeqGenEngine/FrameHead.swift:

    cond  (R, N*D)   decoder output rows; row r, position j is cond[r, j*D:(j+1)*D]
    x_j   = concat(emb(s[j-1]), ..., emb(s[j-W])), zeros where j-k < 0   (W = N-1)
    h1    = relu(cond_j + mlp.0(x_j))      mlp.0 = Linear(W*E, D, bias=False)
    h2    = relu(mlp.2(h1))                mlp.2 = Linear(D, D)
    logit = mlp.4(h2)                      mlp.4 = Linear(D, Q)
    loss  = sum over rows with a target and positions of cross-entropy (nats)

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
    def __init__(self, N, Q, D, E):
        super().__init__()
        self.N, self.Q, self.D, self.E, self.W = N, Q, D, E, N - 1
        if self.W > 0:
            self.embedding = nn.Embedding(Q, E)
        layers = [nn.Linear(self.W * E, D, bias=False) if self.W > 0 else nn.Identity(),
                  nn.ReLU(), nn.Linear(D, D), nn.ReLU(), nn.Linear(D, Q)]
        self.mlp = nn.Sequential(*layers)

    def forward(self, cond, frames):
        # cond (M_rows, N*D), frames (M_rows, N) long -> logits (M_rows*N, Q)
        R = cond.shape[0]
        c = cond.reshape(R, self.N, self.D)
        if self.W > 0:
            e = self.embedding(frames)                      # (R, N, E)
            slots = []
            for k in range(1, self.W + 1):
                shifted = torch.zeros_like(e)
                shifted[:, k:, :] = e[:, :-k, :]            # position j sees sample j-k
                slots.append(shifted)
            x = torch.cat(slots, dim=2)                     # (R, N, W*E)
            a1 = c + self.mlp[0](x)
        else:
            a1 = c
        h2 = self.mlp[3](self.mlp[2](self.mlp[1](a1)))
        return self.mlp[4](h2).reshape(R * self.N, self.Q)


def case(seed, N, Q, D, E, targets, scale):
    torch.manual_seed(seed)
    head = FrameHead(N, Q, D, E)
    with torch.no_grad():  # larger weights than the default, so ReLUs and softmax leave their linear region
        for p in head.parameters():
            p.mul_(2.0)
    R = len(targets)
    cond = (torch.randn(R, N * D) * 1.5).requires_grad_(True)
    valid = [r for r, t in enumerate(targets) if t is not None]
    frames = torch.tensor([targets[r] for r in valid], dtype=torch.long)
    logits = head(cond[valid], frames)
    loss = F.cross_entropy(logits, frames.reshape(-1), reduction="sum")
    (loss * scale).backward()
    weights = {f"head.{n}": enc(p) for n, p in head.named_parameters()}
    grads = {f"head.{n}": enc(p.grad) for n, p in head.named_parameters()}
    return {
        "config": {"frameSize": N, "levels": Q, "hiddenSize": D, "embeddingSize": E, "rows": R, "scale": scale},
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
        "framed": case(2024, N=4, Q=11, D=6, E=3, scale=0.25,
                       targets=[[3, 0, 10, 7], None, [5, 5, 1, 9], [0, 2, 2, 8]]),
        "oneTier": case(2025, N=1, Q=9, D=5, E=3, scale=0.5,
                        targets=[[4], [8], None, [0], [2]]),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
