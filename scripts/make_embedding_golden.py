#!/usr/bin/env python3
"""Generate the PyTorch golden reference for SeqGen's embedding input and tied decoder.

Produces fixtures/reference/embedding_golden.json (relative to the repo root): the
architecture of PyTorch's word_language_model example, nn.Embedding(V, E) "encoder" ->
nn.LSTM(E, H, num_layers=2) -> nn.Linear(H, V) "decoder" -> cross-entropy (mean over the
T*B predictions), from a zero state, in two blocks:

* "untied": V=11, E=3, H=5; the encoder and decoder weights are separate tensors.
* "tied": V=11, E=H=5; decoder.weight is encoder.weight (Press & Wolf 2017), so the
  recorded gradient of encoder.weight is the sum of what the input and the output send it,
  and there is no separate decoder.weight.

The inputs repeat classes inside the chunk (their embedding rows receive several
gradients) and leave one class unused (its row receives none from the input side).
Records weights, logits, the loss and every parameter's gradient. float32 throughout;
values are the exact float64 image of each float32. Deterministic (torch.manual_seed).

Run from the repo root with a Python that has torch (`python3 -m venv ~/torchenv &&
~/torchenv/bin/pip install torch`):

    ~/torchenv/bin/python scripts/make_embedding_golden.py

The Swift tests read only the JSON; torch is not needed to run them.
"""
import json
import os

import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                   "fixtures", "reference", "embedding_golden.json")


def enc(t):
    return {"shape": list(t.shape), "data": [float(x) for x in t.detach().reshape(-1).tolist()]}


def block(seed, V, E, H, tied):
    torch.manual_seed(seed)
    encoder = nn.Embedding(V, E)
    rnn = nn.LSTM(E, H, num_layers=2)
    decoder = nn.Linear(H, V)
    with torch.no_grad():
        encoder.weight.uniform_(-0.5, 0.5)
    if tied:
        decoder.weight = encoder.weight
    T, B = 4, 3
    inputs = torch.tensor([[1, 4, 7], [4, 4, 0], [9, 2, 4], [7, 10, 3]])  # class 5, 6, 8 unused
    targets = torch.randint(0, V, (T, B))
    out, _ = rnn(encoder(inputs))
    logits = decoder(out)
    loss = nn.functional.cross_entropy(logits.reshape(-1, V), targets.reshape(-1))
    loss.backward()
    params = {"encoder.weight": encoder.weight}
    for name, p in rnn.named_parameters():
        params["lstm." + name] = p
    if not tied:
        params["decoder.weight"] = decoder.weight
    params["decoder.bias"] = decoder.bias
    return {
        "config": {"vocabSize": V, "embeddingSize": E, "hiddenSize": H, "numLayers": 2,
                   "seqLength": T, "batchSize": B, "tied": tied},
        "inputs": inputs.tolist(), "targets": targets.tolist(),
        "weights": {k: enc(v) for k, v in params.items()},
        "logits": enc(logits), "loss": loss.item(),
        "gradients": {k: enc(v.grad) for k, v in params.items()},
    }


def main():
    golden = {"untied": block(4321, 11, 3, 5, False), "tied": block(4322, 11, 5, 5, True)}
    text = json.dumps(golden, indent=1, allow_nan=False)
    json.loads(text)
    with open(OUT, "w") as f:
        f.write(text + "\n")
    print("wrote", os.path.relpath(OUT))


if __name__ == "__main__":
    main()
