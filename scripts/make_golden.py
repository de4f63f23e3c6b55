#!/usr/bin/env python3
"""Generate the PyTorch golden reference for SeqGen's LSTM tests.

Produces fixtures/reference/lstm_golden.json (relative to the repo root):

* main block: one-hot input over V=7 classes -> nn.LSTM(7, 5, num_layers=2)
  (default (T, B, .) layout, no dropout) -> nn.Linear(5, 7) "decoder" ->
  cross-entropy (mean over all T*B=4*3 predictions), with non-zero initial
  state h0/c0.  Records weights, forward values (lstmOutput, hN, cN, logits,
  loss), gradients of the mean loss before clipping (parameters, h0, c0), the
  pre-clip total gradient norm from clip_grad_norm_(max_norm=0.1), and the
  weights after clipping plus one Adam step (lr=0.01, betas=(0.9, 0.999),
  eps=1e-8).
* "dense" block: dense float inputs (T=3, B=2, 3) -> nn.LSTM(3, 4, 1) with zero
  initial state -> nn.Linear(4, 6) -> cross-entropy; records weights, forward
  values, loss, parameter gradients and the gradient w.r.t. the inputs.

All computation is float32 (as the model runs); values are written as the
exact float64 image of each float32 (json repr round-trips).  Tensors are
encoded as {"shape": [...], "data": [flat row-major list]}.  Deterministic:
torch.manual_seed(1234) for the main block, torch.manual_seed(1235) for the
dense block.

Run from the repo root:

    python3 scripts/make_golden.py

with a Python that has torch (a virtual environment: `python3 -m venv ~/torchenv &&
~/torchenv/bin/pip install torch`, then activate it).  The Swift tests read only the
JSON; torch is not needed to run them.
"""

import json
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                   "fixtures", "reference", "lstm_golden.json")


def enc(t):
    t = t.detach()
    assert t.dtype == torch.float32, t.dtype
    assert torch.isfinite(t).all()
    return {"shape": list(t.shape), "data": t.double().reshape(-1).tolist()}


def named(model_parts, attr=None):
    out = {}
    for prefix, mod in model_parts:
        for name, p in mod.named_parameters():
            v = p if attr is None else getattr(p, attr)
            out[f"{prefix}.{name}"] = enc(v)
    return out


def main_block():
    V, H, L, T, B = 7, 5, 2, 4, 3
    clip, lr, b1, b2, eps = 0.1, 0.01, 0.9, 0.999, 1e-8
    torch.manual_seed(1234)
    lstm = torch.nn.LSTM(input_size=V, hidden_size=H, num_layers=L)
    decoder = torch.nn.Linear(H, V)
    parts = [("lstm", lstm), ("decoder", decoder)]
    h0 = (torch.randn(L, B, H) * 0.5).requires_grad_(True)
    c0 = (torch.randn(L, B, H) * 0.5).requires_grad_(True)
    inputs = torch.randint(0, V, (T, B))
    targets = torch.randint(0, V, (T, B))

    weights = named(parts)

    x = F.one_hot(inputs, V).float()  # (T, B, V)
    # Sanity: one-hot matmul == column gather.
    w = lstm.weight_ih_l0.detach()
    assert torch.equal(x @ w.T, w[:, inputs.reshape(-1)].T.reshape(T, B, 4 * H))

    out, (hN, cN) = lstm(x, (h0, c0))
    logits = decoder(out)
    loss = F.cross_entropy(logits.reshape(T * B, V), targets.reshape(T * B))
    loss.backward()

    params = [p for _, m in parts for p in m.parameters()]
    gradients = named(parts, "grad")
    grad_h0, grad_c0 = enc(h0.grad), enc(c0.grad)
    total = torch.nn.utils.clip_grad_norm_(params, max_norm=clip)
    opt = torch.optim.Adam(params, lr=lr, betas=(b1, b2), eps=eps)
    opt.step()

    return {
        "config": {"vocabSize": V, "inputSize": V, "hiddenSize": H,
                   "numLayers": L, "seqLength": T, "batchSize": B,
                   "clipNorm": clip, "learningRate": lr, "beta1": b1,
                   "beta2": b2, "eps": eps},
        "inputs": inputs.tolist(),
        "targets": targets.tolist(),
        "h0": enc(h0), "c0": enc(c0),
        "weights": weights,
        "logits": enc(logits),
        "hN": enc(hN), "cN": enc(cN),
        "lstmOutput": enc(out),
        "loss": float(loss.item()),
        "gradients": gradients,
        "gradH0": grad_h0, "gradC0": grad_c0,
        "gradNormBeforeClip": float(total.item()),
        "weightsAfterAdam": named(parts),
    }


def dense_block():
    I, H, C, T, B = 3, 4, 6, 3, 2
    torch.manual_seed(1235)
    lstm = torch.nn.LSTM(input_size=I, hidden_size=H, num_layers=1)
    decoder = torch.nn.Linear(H, C)
    parts = [("lstm", lstm), ("decoder", decoder)]
    inputs = torch.randn(T, B, I).requires_grad_(True)
    targets = torch.randint(0, C, (T, B))

    weights = named(parts)
    out, (hN, cN) = lstm(inputs)  # zero initial state
    logits = decoder(out)
    loss = F.cross_entropy(logits.reshape(T * B, C), targets.reshape(T * B))
    loss.backward()

    return {
        "config": {"vocabSize": C, "inputSize": I, "hiddenSize": H,
                   "numLayers": 1, "seqLength": T, "batchSize": B},
        "inputs": enc(inputs),
        "targets": targets.tolist(),
        "weights": weights,
        "logits": enc(logits),
        "hN": enc(hN), "cN": enc(cN),
        "lstmOutput": enc(out),
        "loss": float(loss.item()),
        "gradients": named(parts, "grad"),
        "gradInputs": enc(inputs.grad),
    }


def dumps(obj, indent=0):
    """JSON with objects indented and lists kept on one line."""
    if isinstance(obj, dict):
        pad = "  " * (indent + 1)
        items = [f"{pad}{json.dumps(k)}: {dumps(v, indent + 1)}"
                 for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * indent + "}"
    return json.dumps(obj, allow_nan=False)


def main():
    torch.set_default_dtype(torch.float32)
    doc = {
        "description": "PyTorch golden reference for SeqGen LSTM forward/"
                       "backward/clip/Adam; generated by scripts/make_golden.py",
        "torch_version": torch.__version__,
    }
    doc.update(main_block())
    doc["dense"] = dense_block()
    text = dumps(doc) + "\n"
    json.loads(text)  # round-trip check
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write(text)
    print(f"wrote {os.path.normpath(OUT)} ({len(text.encode())} bytes)")


if __name__ == "__main__":
    main()
