#!/usr/bin/env python3
"""Generate the PyTorch golden reference for SeqGen's MultiCategoricalHead.

Produces fixtures/reference/multicategorical_golden.json (relative to the repo root). A
step is a few categorical fields (sizes C = [2, 3, 5, 4], like a speech codec's frame);
the model reads the previous step as a multi-hot row (one 1 per field, width sum(C)) and
predicts every field of the next step from one decoder row:

    x (T, B, sum(C))  ->  nn.LSTM(sum(C), H, num_layers=2)  ->  nn.Linear(H, sum(C)) "decoder"
    loss = sum over fields f of cross_entropy(logits[..., o_f:o_f + C_f], targets[..., f])

(each field's cross-entropy a mean over the T*B rows, so the loss is the mean over rows of
the sum over fields), from a zero state, with stream 2 reset before t=2 and the row
(t=3, b=1) without a target (padding: ignore_index).

Records the multi-hot inputs, targets, weights, logits, the loss and every parameter's
gradient. float32 throughout; values are the exact float64 image of each float32.
Deterministic (torch.manual_seed).

Run from the repo root with a Python that has torch:

    ~/torchenv/bin/python scripts/make_multicategorical_golden.py

The Swift tests read only the JSON; torch is not needed to run them.
"""
import json
import os

import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                   "fixtures", "reference", "multicategorical_golden.json")


def enc(t):
    return {"shape": list(t.shape), "data": [float(x) for x in t.detach().reshape(-1).tolist()]}


def main():
    torch.manual_seed(3131)
    C = [2, 3, 5, 4]
    offsets = [sum(C[:f]) for f in range(len(C))]
    W = sum(C)
    T, B, H = 4, 3, 6
    fields_in = torch.stack([torch.randint(0, c, (T, B)) for c in C], dim=2)
    targets = torch.stack([torch.randint(0, c, (T, B)) for c in C], dim=2)
    x = torch.zeros(T, B, W)
    for f, (o, c) in enumerate(zip(offsets, C)):
        x[..., o:o + c] = nn.functional.one_hot(fields_in[..., f], c).float()
    rnn = nn.LSTM(W, H, num_layers=2)
    decoder = nn.Linear(H, W)
    h = torch.zeros(2, B, H)
    c_ = torch.zeros(2, B, H)
    outs = []
    for t in range(T):
        if t == 2:
            keep = torch.tensor([1.0, 1.0, 0.0]).view(1, B, 1)
            h, c_ = h * keep, c_ * keep
        o, (h, c_) = rnn(x[t:t + 1], (h, c_))
        outs.append(o)
    logits = decoder(torch.cat(outs, dim=0))
    masked = targets.clone()
    masked[3, 1, :] = -100  # padding
    rows = T * B
    loss = sum(
        nn.functional.cross_entropy(
            logits[..., o:o + c].reshape(-1, c), masked[..., f].reshape(-1), ignore_index=-100, reduction="sum")
        for f, (o, c) in enumerate(zip(offsets, C))) / rows
    loss.backward()
    params = {"lstm." + name: p for name, p in rnn.named_parameters()}
    params["decoder.weight"] = decoder.weight
    params["decoder.bias"] = decoder.bias
    golden = {
        "config": {"classes": C, "hiddenSize": H, "numLayers": 2, "seqLength": T, "batchSize": B},
        "inputs": enc(x), "targets": targets.tolist(), "padding": [[3, 1]],
        "resets": [[t == 2 and b == 2 for b in range(B)] for t in range(T)],
        "weights": {k: enc(v) for k, v in params.items()},
        "logits": enc(logits), "loss": loss.item(),
        "gradients": {k: enc(v.grad) for k, v in params.items()},
    }
    text = json.dumps(golden, indent=1, allow_nan=False)
    json.loads(text)
    with open(OUT, "w") as f:
        f.write(text + "\n")
    print("wrote", os.path.relpath(OUT))


if __name__ == "__main__":
    main()
