#!/usr/bin/env python3
"""Legibility of a text-conditioned handwriting run, read back by OCR (issue 17, measure 2).

Lines of text the run never trained on are written by the model (`seqgen generate RUN
--text-file ... --out ....inkml`) and by the Hershey fonts themselves (`seqgen hershey`, the
same slant, scale and jitter as the synthetic training data); both are drawn the same way (each
line scaled to the same ink height, the same pen width, through rsvg-convert) and read by
tesseract as one raw line of text (`--psm 13`: on 15 font-drawn lines it read 0.16 CER against
0.36 with `--psm 7`, which often finds no text in the connected scripts; the drawing size and
pen were chosen the same way, for the font's sake, never the model's). The score is the character error rate (edit distance
over the text's length, spaces collapsed). The font's own CER is the ceiling for the model.

Needs seqgen (a release build), tesseract-ocr and librsvg2-bin (`rsvg-convert`); not used by CI.

    python3 scripts/legibility.py runs/hwtext --exclude data/lines/index.tsv --count 40 --bias 1

Texts come from --text-file (default fixtures/text/shakespeare.txt): lines of 8-60 printable
ASCII characters, minus every text listed in --exclude (the training lines' index.tsv written
by `seqgen hershey`), taken in file order from --skip on. Prints one row per text and the mean
CERs; --out keeps the drawings and a report.tsv.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

INK = "{http://www.w3.org/2003/InkML}"


def candidates(path, exclude, skip, count):
    excluded = set()
    for index in exclude:
        with open(index, encoding="utf-8") as f:
            header = f.readline().rstrip("\n").split("\t")
            column = header.index("text")
            for row in f:
                fields = row.rstrip("\n").split("\t")
                if len(fields) > column:
                    excluded.add(fields[column])
    seen, texts = set(), []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if not 8 <= len(line) <= 60 or not all(32 <= ord(c) <= 126 for c in line):
                continue
            if line in excluded or line in seen:
                continue
            seen.add(line)
            texts.append(line)
    return texts[skip : skip + count]


def traces(element):
    strokes = []
    for trace in element.iter(INK + "trace"):
        points = []
        for pair in trace.text.split(","):
            values = pair.split()
            if len(values) >= 2:
                points.append((float(values[0]), float(values[1])))
        if len(points) >= 2:
            strokes.append(points)
    return strokes


def model_rows(inkml):
    root = ET.parse(inkml).getroot()
    return [traces(group) for group in root.findall(INK + "traceGroup")]


def font_lines(folder):
    rows = {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".inkml"):
            continue
        root = ET.parse(os.path.join(folder, name)).getroot()
        truth = next((a.text for a in root.iter(INK + "annotation") if a.get("type") == "truth"), None)
        if truth is not None and truth.strip() not in rows:
            rows[truth.strip()] = traces(root)
    return rows


def draw(strokes, png, height=48.0, pen=3.0, margin=24.0):
    """Scales the ink so its vertical extent is `height` pixels and draws it black on white."""
    xs = [x for s in strokes for x, _ in s]
    ys = [y for s in strokes for _, y in s]
    if not xs:
        xs, ys = [0.0, 1.0], [0.0, 1.0]
    span = max(max(ys) - min(ys), 1e-6)
    k = height / span
    width = (max(xs) - min(xs)) * k + 2 * margin
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height + 2 * margin:.0f}">',
        '<rect width="100%" height="100%" fill="white"/>',
    ]
    for s in strokes:
        d = " ".join(f"{(x - min(xs)) * k + margin:.2f},{(y - min(ys)) * k + margin:.2f}" for x, y in s)
        svg.append(
            f'<polyline points="{d}" fill="none" stroke="black" stroke-width="{pen}" '
            'stroke-linecap="round" stroke-linejoin="round"/>'
        )
    svg.append("</svg>")
    with open(png[:-4] + ".svg", "w") as f:
        f.write("\n".join(svg))
    subprocess.run(["rsvg-convert", "-b", "white", png[:-4] + ".svg", "-o", png], check=True)


def ocr(png):
    out = subprocess.run(
        ["tesseract", png, "stdout", "--psm", "13", "-l", "eng"], capture_output=True, text=True, check=True
    )
    return " ".join(out.stdout.split())


def cer(read, truth):
    a, b = " ".join(read.split()), " ".join(truth.split())
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1] / max(len(b), 1)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("run")
    p.add_argument("--text-file", default="fixtures/text/shakespeare.txt")
    p.add_argument("--exclude", action="append", default=[], help="index.tsv of training lines (repeatable)")
    p.add_argument("--skip", type=int, default=0)
    p.add_argument("--count", type=int, default=40)
    p.add_argument("--bias", default="1")
    p.add_argument("--seed", default="1")
    p.add_argument("--checkpoint", default="best")
    p.add_argument("--seqgen", default=".build/release/seqgen")
    p.add_argument("--fonts-dir", default="fixtures/handwriting/fonts")
    p.add_argument("--out", help="folder to keep drawings and report.tsv in")
    args = p.parse_args()
    for tool in ["tesseract", "rsvg-convert"]:
        if shutil.which(tool) is None:
            sys.exit(f"legibility.py: {tool} is not installed (apt-get install tesseract-ocr librsvg2-bin)")
    texts = candidates(args.text_file, args.exclude, args.skip, args.count)
    if not texts:
        sys.exit(f"legibility.py: {args.text_file}: no line of 8-60 printable ASCII characters left to write")
    work = args.out or tempfile.mkdtemp(prefix="legibility-")
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "texts.txt"), "w") as f:
        f.write("\n".join(texts) + "\n")
    generated = os.path.join(work, "model.inkml")
    subprocess.run(
        [args.seqgen, "generate", args.run, "--checkpoint", args.checkpoint, "--text-file", f.name,
         "--count", "1", "--bias", args.bias, "--seed", args.seed, "--out", generated],
        check=True, stdout=subprocess.DEVNULL,
    )
    rows = model_rows(generated)
    font_dir = os.path.join(work, "font")
    shutil.rmtree(font_dir, ignore_errors=True)
    subprocess.run(
        [args.seqgen, "hershey", "--text-file", f.name, "--out", font_dir, "--count", str(len(texts)),
         "--seed", args.seed, "--fonts-dir", args.fonts_dir],
        check=True, stdout=subprocess.DEVNULL,
    )
    fonts = font_lines(font_dir)
    report = ["text\tfont_ocr\tfont_cer\tmodel_ocr\tmodel_cer"]
    font_total = model_total = 0.0
    print(f"{'font CER':>8} {'model CER':>9}  text / font read / model read")
    for i, (text, strokes) in enumerate(zip(texts, rows)):
        font_png = os.path.join(work, f"font-{i:03d}.png")
        model_png = os.path.join(work, f"model-{i:03d}.png")
        draw(fonts[text], font_png)
        draw(strokes, model_png)
        font_read, model_read = ocr(font_png), ocr(model_png)
        fc, mc = cer(font_read, text), cer(model_read, text)
        font_total += fc
        model_total += mc
        report.append(f"{text}\t{font_read}\t{fc:.4f}\t{model_read}\t{mc:.4f}")
        print(f"{fc:8.3f} {mc:9.3f}  {text} / {font_read} / {model_read}")
    n = len(rows)
    print(f"mean CER over {n} unseen lines: font {font_total / n:.3f}, model {model_total / n:.3f} "
          f"(gap {(model_total - font_total) / n:.3f}; bias {args.bias}, seed {args.seed}, checkpoint {args.checkpoint})")
    with open(os.path.join(work, "report.tsv"), "w") as out:
        out.write("\n".join(report) + "\n")
    if not args.out:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
