#!/usr/bin/env python3
"""Generate the PyTorch golden reference for SeqGen's per-sequence labels.

Produces fixtures/reference/label_golden.json (relative to the repo root). A labelled
model reads, at every step, its input followed by a one-hot of its sequence's label
(L labels); a row of no label reads zeros there. In torch terms:

    x = cat(input_rows, one_hot(label, L))  ->  nn.LSTM(I + L, H, num_layers=2)
      ->  nn.Linear(H, V) "decoder"  ->  cross-entropy (mean over the T*B predictions)

from a zero state, in two blocks:

* "oneHot": the input rows are one-hot classes (V=7), so weight_ih_l0 is (4H, V + L).
* "embedded": the classes go through nn.Embedding(V, E) "encoder" first (E=3), so
  weight_ih_l0 is (4H, E + L) and the embedding's gradient comes back through the first
  E columns of the joined rows.

Records weights, logits, the loss and every parameter's gradient. float32 throughout;
values are the exact float64 image of each float32. Deterministic (torch.manual_seed).

Run from the repo root with a Python that has torch (`python3 -m venv ~/torchenv &&
~/torchenv/bin/pip install torch`):

    ~/torchenv/bin/python scripts/make_label_golden.py

The Swift tests read only the JSON; torch is not needed to run them.
"""
import json
import os

import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                   "fixtures", "reference", "label_golden.json")


def enc(t):
    return {"shape": list(t.shape), "data": [float(x) for x in t.detach().reshape(-1).tolist()]}


def block(seed, V, E, L, H, embedded):
    torch.manual_seed(seed)
    T, B = 4, 3
    encoder = nn.Embedding(V, E) if embedded else None
    rnn = nn.LSTM((E if embedded else V) + L, H, num_layers=2)
    decoder = nn.Linear(H, V)
    inputs = torch.tensor([[1, 4, 6], [4, 4, 0], [2, 2, 4], [6, 3, 3]])
    # Stream 0 is label 2, stream 1 label 0, stream 2 has none (-1) until its reset at t=2,
    # after which it is label 2; label 1 is never read.
    labels = torch.tensor([[2, 0, -1], [2, 0, -1], [2, 0, 2], [2, 0, 2]])
    targets = torch.randint(0, V, (T, B))
    rows = encoder(inputs) if embedded else nn.functional.one_hot(inputs, V).float()
    label_rows = torch.zeros(T, B, L)
    for t in range(T):
        for b in range(B):
            if labels[t, b] >= 0:
                label_rows[t, b, labels[t, b]] = 1
    # The reset at (t=2, b=2) zeroes that stream's state: run the steps in two pieces.
    x = torch.cat([rows, label_rows], dim=2)
    h = torch.zeros(2, B, H)
    c = torch.zeros(2, B, H)
    outs = []
    for t in range(T):
        if t == 2:
            keep = torch.tensor([1.0, 1.0, 0.0]).view(1, B, 1)
            h, c = h * keep, c * keep
        o, (h, c) = rnn(x[t:t + 1], (h, c))
        outs.append(o)
    logits = decoder(torch.cat(outs, dim=0))
    loss = nn.functional.cross_entropy(logits.reshape(-1, V), targets.reshape(-1))
    loss.backward()
    params = {}
    if embedded:
        params["encoder.weight"] = encoder.weight
    for name, p in rnn.named_parameters():
        params["lstm." + name] = p
    params["decoder.weight"] = decoder.weight
    params["decoder.bias"] = decoder.bias
    return {
        "config": {"vocabSize": V, "embeddingSize": E if embedded else None, "labels": L, "hiddenSize": H,
                   "numLayers": 2, "seqLength": T, "batchSize": B},
        "inputs": inputs.tolist(), "labels": labels.tolist(), "targets": targets.tolist(),
        "resets": [[t == 2 and b == 2 for b in range(B)] for t in range(T)],
        "weights": {k: enc(v) for k, v in params.items()},
        "logits": enc(logits), "loss": loss.item(),
        "gradients": {k: enc(v.grad) for k, v in params.items()},
    }


def main():
    golden = {"oneHot": block(5511, 7, 0, 3, 5, False), "embedded": block(5512, 7, 3, 3, 5, True)}
    text = json.dumps(golden, indent=1, allow_nan=False)
    json.loads(text)
    with open(OUT, "w") as f:
        f.write(text + "\n")
    print("wrote", os.path.relpath(OUT))


if __name__ == "__main__":
    main()
