"""Word-level LSTM language-model benchmark, PyTorch CPU: the architecture of PyTorch's
word_language_model example (nn.Embedding -> nn.LSTM -> nn.Linear decoder, optionally tied).

Data    : token ids written by `seqgen bench words` (--tokens: little-endian int32, the training
          split; --val-tokens: the validation split), so both sides train on the same tokens.
Batching: as the char peer (torch_char_lstm.py): B contiguous streams, T-step chunks, state
          carried (detached), cursor wraps to column 0 with a zero state.
Train   : Adam(lr), clip_grad_norm_(clip), no dropout, torch.manual_seed(seed); encoder init
          U(-0.1, 0.1) as word_language_model's init_weights; tied: decoder.weight = encoder.weight.
Timing  : `warmup` untimed steps, then `steps` timed steps; tokens/s = steps*B*T / wall.
          decoder_share: the wall of the decoder + cross-entropy forward and backward alone (the
          same shapes on the trained model's LSTM output), over the wall of a whole step.
Val     : mean cross-entropy over the validation tokens (state carried, B streams), bits/token.
Prints one JSON line.
"""
import argparse, json, math, os, resource, sys, time, warnings
warnings.filterwarnings('ignore')

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument('--tokens', required=True)
ap.add_argument('--val-tokens', required=True)
ap.add_argument('--vocab', type=int, required=True)
ap.add_argument('--layers', type=int, default=2)
ap.add_argument('--hidden', type=int, default=512)
ap.add_argument('--embed', type=int, default=512)
ap.add_argument('--tied', action='store_true')
ap.add_argument('--batch', type=int, default=20)
ap.add_argument('--seq-len', type=int, default=35)
ap.add_argument('--lr', type=float, default=2e-3)
ap.add_argument('--clip', type=float, default=5.0)
ap.add_argument('--warmup', type=int, default=5)
ap.add_argument('--steps', type=int, default=50)
ap.add_argument('--threads', type=int, default=2)
ap.add_argument('--seed', type=int, default=0)
args = ap.parse_args()

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)


def load(path):
    raw = open(path, 'rb').read()
    return torch.frombuffer(bytearray(raw), dtype=torch.int32).long()


train, val = load(args.tokens), load(args.val_tokens)
V, B, T = args.vocab, args.batch, args.seq_len
ncol = (len(train) - 1) // B
tr_x = train[:B * ncol].view(B, ncol)
tr_y = torch.stack([train[b * ncol + 1:(b + 1) * ncol + 1] for b in range(B)])


class WordLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Embedding(V, args.embed)
        self.rnn = nn.LSTM(args.embed, args.hidden, args.layers)
        self.decoder = nn.Linear(args.hidden, V)
        nn.init.uniform_(self.encoder.weight, -0.1, 0.1)
        if args.tied:
            assert args.embed == args.hidden, '--tied needs --embed equal to --hidden'
            self.decoder.weight = self.encoder.weight

    def forward(self, x, state):
        h, state = self.rnn(self.encoder(x), state)
        return self.decoder(h), state, h


model = WordLM()
opt = torch.optim.Adam(model.parameters(), lr=args.lr)
n_params = sum(p.numel() for p in model.parameters())


def zero_state(b):
    z = torch.zeros(args.layers, b, args.hidden)
    return (z, z.clone())


state, col = zero_state(B), 0
last_h = None


def train_step():
    global state, col, last_h
    if col + T > ncol:
        col, state = 0, zero_state(B)
    x, y = tr_x[:, col:col + T].t(), tr_y[:, col:col + T].t()
    col += T
    state = (state[0].detach(), state[1].detach())
    logits, state, last_h = model(x, state)
    loss = F.cross_entropy(logits.reshape(-1, V), y.reshape(-1))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
    opt.step()
    return y


model.train()
for _ in range(args.warmup):
    train_step()
t0 = time.perf_counter()
for _ in range(args.steps):
    y = train_step()
wall = time.perf_counter() - t0

# The decoder and the loss alone, forward and backward, on the last chunk's LSTM output.
h = last_h.detach().requires_grad_(True)
t1 = time.perf_counter()
reps = max(5, args.steps // 5)
for _ in range(reps):
    loss = F.cross_entropy(model.decoder(h).reshape(-1, V), y.reshape(-1))
    loss.backward()
decoder_s = (time.perf_counter() - t1) / reps

model.eval()
with torch.no_grad():
    nv = (len(val) - 1) // B
    vx = val[:B * nv].view(B, nv)
    vy = torch.stack([val[b * nv + 1:(b + 1) * nv + 1] for b in range(B)])
    s, total, count = zero_state(B), 0.0, 0
    for c in range(0, nv, T):
        x, yy = vx[:, c:c + T].t(), vy[:, c:c + T].t()
        logits, s, _ = model(x, s)
        total += F.cross_entropy(logits.reshape(-1, V), yy.reshape(-1), reduction='sum').item()
        count += yy.numel()

print(json.dumps({
    'tokens_per_s': args.steps * B * T / wall, 'decoder_share': decoder_s / (wall / args.steps),
    'val_bits_per_token': total / count / math.log(2), 'params': n_params,
    'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'torch': torch.__version__,
}))
