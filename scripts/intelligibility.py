#!/usr/bin/env python3
"""How intelligible a speech run is: word error rate of pocketsphinx reading its clips.

    python3 scripts/intelligibility.py RUN --held held.txt --distractors other.txt [--limit 100]

Says each held-out sentence (ones the run never trained on) with `seqgen generate RUN
--text-file`, reads every clip back with pocketsphinx (Debian `pocketsphinx` +
`pocketsphinx-en-us`; clips upsampled 8 -> 16 kHz with libsamplerate) under a closed bigram
language model of the held-out sentences plus the distractor sentences, and prints the word
error rate beside:

* ceiling: espeak-ng saying the same sentences (`seqgen espeak`, the corpus voice), at 8 kHz;
* ceiling: the same audio through a codec2 round trip (`c2enc`/`c2dec`, the run's mode);
* floor:   the run's clips scored against the wrong sentences (each clip against the next
           sentence's text), what a model that ignores its text would score.

Needs numpy and the tools above; CI does not run it. The seqgen binary is .build/release/seqgen
unless --seqgen says otherwise.
"""
import argparse
import collections
import ctypes
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import wave

import numpy as np

MODEL = "/usr/share/pocketsphinx/model/en-us"


def words(text):
    return re.findall(r"[a-z']+", text.lower().replace("--", " "))


def read_wav(path):
    with wave.open(path) as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1, path
        return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float32) / 32768, w.getframerate()


def write_wav(path, x, rate):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(x, -1, 32767 / 32768) * 32768).astype(np.int16).tobytes())


class SRC_DATA(ctypes.Structure):
    _fields_ = [("data_in", ctypes.POINTER(ctypes.c_float)), ("data_out", ctypes.POINTER(ctypes.c_float)),
                ("input_frames", ctypes.c_long), ("output_frames", ctypes.c_long),
                ("input_frames_used", ctypes.c_long), ("output_frames_gen", ctypes.c_long),
                ("end_of_input", ctypes.c_int), ("src_ratio", ctypes.c_double)]


_src = ctypes.CDLL("libsamplerate.so.0")


def resample(x, rate_in, rate_out):
    if rate_in == rate_out:
        return x
    x = np.ascontiguousarray(x, dtype=np.float32)
    n_out = int(round(len(x) * rate_out / rate_in)) + 16
    out = np.zeros(n_out, dtype=np.float32)
    d = SRC_DATA(x.ctypes.data_as(ctypes.POINTER(ctypes.c_float)), out.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
                 len(x), n_out, 0, 0, 1, rate_out / rate_in)
    assert _src.src_simple(ctypes.byref(d), 0, 1) == 0  # SRC_SINC_BEST_QUALITY
    return out[:d.output_frames_gen]


def bigram_lm(sentences, path):
    """An ARPA bigram model with absolute discounting and back-off to unigrams."""
    uni = collections.Counter()
    bi = collections.Counter()
    for s in sentences:
        toks = ["<s>"] + words(s) + ["</s>"]
        uni.update(toks)
        bi.update(zip(toks, toks[1:]))
    total = sum(c for w, c in uni.items() if w != "<s>")
    vocab = sorted(uni)
    D = 0.5
    followers = collections.Counter(a for a, _ in bi)
    lines = ["\\data\\", f"ngram 1={len(vocab)}", f"ngram 2={len(bi)}", "", "\\1-grams:"]
    for w in vocab:
        p = uni[w] / total if w != "<s>" else 1e-99
        bow = D * followers[w] / uni[w] if followers[w] else 0
        lines.append(f"{math.log10(max(p, 1e-99)):.4f} {w} {math.log10(bow) if bow > 0 else 0:.4f}")
    lines += ["", "\\2-grams:"]
    for (a, b), c in sorted(bi.items()):
        lines.append(f"{math.log10((c - D) / uni[a]):.4f} {a} {b}")
    lines += ["", "\\end\\", ""]
    open(path, "w").write("\n".join(lines))


def recognise(wavs16, lm, work):
    """pocketsphinx_batch over 16 kHz WAVs; returns the hypotheses in order."""
    ctl = os.path.join(work, "list.ctl")
    with open(ctl, "w") as f:
        for i, path in enumerate(wavs16):
            f.write(os.path.splitext(os.path.basename(path))[0] + "\n")
    hyp = os.path.join(work, "out.hyp")
    subprocess.run(["pocketsphinx_batch", "-hmm", os.path.join(MODEL, "en-us"), "-lm", lm,
                    "-dict", os.path.join(MODEL, "cmudict-en-us.dict"), "-ctl", ctl,
                    "-cepdir", os.path.dirname(wavs16[0]), "-cepext", ".wav", "-adcin", "yes", "-adchdr", "44",
                    "-hyp", hyp, "-logfn", "/dev/null"], check=True)
    result = {}
    for line in open(hyp):
        m = re.match(r"^(.*) \((\S+)(?: [-\d]+)?\)$", line.strip())
        if m:
            result[m.group(2)] = m.group(1)
    return [result.get(os.path.splitext(os.path.basename(p))[0], "") for p in wavs16]


def edits(ref, hyp):
    d = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, d[0] = d[0], i
        for j, h in enumerate(hyp, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (r != h))
    return d[len(hyp)]


def wer(refs, hyps):
    return sum(edits(words(r), words(h)) for r, h in zip(refs, hyps)) / sum(len(words(r)) for r in refs)


def to16k(paths, folder):
    os.makedirs(folder, exist_ok=True)
    out = []
    for i, p in enumerate(paths):
        x, rate = read_wav(p)
        q = os.path.join(folder, f"clip{i:04d}.wav")
        write_wav(q, resample(resample(x, rate, 8000), 8000, 16000), 16000)
        out.append(q)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run")
    ap.add_argument("--held", required=True)
    ap.add_argument("--distractors", required=True)
    ap.add_argument("--limit", type=int, default=100)
    ap.add_argument("--seqgen", default=os.path.join(os.path.dirname(__file__), "..", ".build", "release", "seqgen"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bias", type=float)
    ap.add_argument("--checkpoint", default="best")
    ap.add_argument("--no-ceilings", action="store_true")
    args = ap.parse_args()
    held = [l.strip() for l in open(args.held) if l.strip()][:args.limit]
    distractors = [l.strip() for l in open(args.distractors) if l.strip()]
    mode = json.load(open(os.path.join(args.run, "manifest.json")))["codec"]["mode"]
    work = tempfile.mkdtemp(prefix="seqgen-intelligibility-")
    lm = os.path.join(work, "closed.lm")
    bigram_lm(held + distractors, lm)
    texts = os.path.join(work, "held.txt")
    open(texts, "w").write("\n".join(held) + "\n")

    cmd = [args.seqgen, "generate", args.run, "--text-file", texts, "--out", os.path.join(work, "model", "say.wav"),
           "--seed", str(args.seed), "--checkpoint", args.checkpoint]
    if args.bias is not None:
        cmd += ["--bias", str(args.bias)]
    os.makedirs(os.path.join(work, "model"))
    report = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rtf = re.search(r"real-time factor ([\d.]+)", report)
    said = [os.path.join(work, "model", f"say-{i + 1}.wav") for i in range(len(held))] if len(held) > 1 else [
        os.path.join(work, "model", "say.wav")]
    hyps = recognise(to16k(said, os.path.join(work, "model16")), lm, work)
    rows = [("model", wer(held, hyps)), ("floor: clips against other sentences", wer(held[1:] + held[:1], hyps))]
    if not args.no_ceilings:
        subprocess.run([args.seqgen, "espeak", "--text-file", texts, "--out", os.path.join(work, "espeak"),
                        "--seed", str(args.seed)], check=True, capture_output=True)
        spoken = [os.path.join(work, "espeak", "wavs", f"espeak-{i + 1:05d}.wav") for i in range(len(held))]
        hyps8 = recognise(to16k(spoken, os.path.join(work, "espeak16")), lm, work)
        coded = []
        os.makedirs(os.path.join(work, "codec2"))
        for i, p in enumerate(spoken):
            x, rate = read_wav(p)
            raw = os.path.join(work, "codec2", f"{i}.raw")
            (np.clip(resample(x, rate, 8000), -1, 32767 / 32768) * 32768).astype(np.int16).tofile(raw)
            subprocess.run(["c2enc", mode, raw, raw + ".bit"], check=True, capture_output=True)
            subprocess.run(["c2dec", mode, raw + ".bit", raw + ".out"], check=True, capture_output=True)
            q = os.path.join(work, "codec2", f"{i}.wav")
            write_wav(q, np.fromfile(raw + ".out", dtype=np.int16).astype(np.float32) / 32768, 8000)
            coded.append(q)
        hypsc = recognise(to16k(coded, os.path.join(work, "codec216")), lm, work)
        rows = [("ceiling: espeak-ng at 8 kHz", wer(held, hyps8)),
                (f"ceiling: espeak-ng through codec2 {mode}", wer(held, hypsc))] + rows
    print(f"{len(held)} held-out sentences, closed bigram LM of {len(held) + len(distractors)} sentences")
    for name, w in rows:
        print(f"  {w:6.3f}  {name}")
    if rtf:
        print(f"  real-time factor of generation: {rtf.group(1)}")
    for r, h in list(zip(held, hyps))[:5]:
        print(f"    said {r!r}\n    read {h!r}")


if __name__ == "__main__":
    main()
