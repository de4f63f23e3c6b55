#!/usr/bin/env python3
"""How much of a source-code model's output is valid Python (issue: fit for a user's own data).

    python3 scripts/code_parses.py RUN [--seqgen .build/release/seqgen] [--count 10]
        [--length 3000] [--temperature 0.5] [--prime "import os"] [--prime-file F]

Draws --count samples (seeds 1..count) of --length characters and finds every complete
function in the generated part: a `def` line and the lines indented under it, closed by a
later line indented no deeper than the `def` (a function cut off by the end of the sample
does not count). Each is dedented and given to Python's own parser (`ast.parse`). Prints
the functions found, how many parse, and the mean per sample with its spread over seeds.
When the prime ends in "def ", also counts the samples whose first line completes it as a
signature ("name(args):"), the measure of a prime read in context rather than as the start
of a file.
"""
import re
import argparse
import ast
import os
import statistics
import subprocess
import tempfile
import textwrap


def indent(line):
    return len(line) - len(line.lstrip(" "))


def functions(text):
    """The complete `def` blocks of `text`, each as source."""
    lines = text.split("\n")
    found = []
    for i, line in enumerate(lines):
        if not line.lstrip(" ").startswith("def "):
            continue
        level = indent(line)
        end = None
        for j in range(i + 1, len(lines)):
            if lines[j].strip() and indent(lines[j]) <= level:
                end = j
                break
        if end is not None and end > i + 1:
            found.append(textwrap.dedent("\n".join(lines[i:end])))
    return found


def parses(source):
    try:
        ast.parse(source)
        return True
    except (SyntaxError, ValueError):
        return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("run")
    parser.add_argument("--seqgen", default=".build/release/seqgen")
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--length", type=int, default=3000)
    parser.add_argument("--temperature", type=float, default=0.5)
    parser.add_argument("--prime", default="import os\n")
    parser.add_argument("--prime-file")
    args = parser.parse_args()
    prime = ["--prime-file", args.prime_file] if args.prime_file else ["--prime", args.prime]
    text = open(args.prime_file, encoding="utf-8").read() if args.prime_file else args.prime
    signatures = 0 if text.endswith("def ") else None
    total = good = 0
    rates = []
    with tempfile.TemporaryDirectory() as folder:
        for seed in range(1, args.count + 1):
            out = os.path.join(folder, f"{seed}.py")
            subprocess.run(
                [args.seqgen, "generate", args.run, *prime, "--strip-prime", "--length", str(args.length),
                 "--temperature", str(args.temperature), "--seed", str(seed), "--out", out],
                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            with open(out, encoding="utf-8") as f:
                sample = f.read()
            found = functions(sample)
            if signatures is not None and re.match(r"[A-Za-z_]\w*\(.*\):", sample.split("\n")[0]):
                signatures += 1
            ok = sum(parses(s) for s in found)
            total += len(found)
            good += ok
            if found:
                rates.append(ok / len(found))
    spread = f" (per sample {statistics.mean(rates):.0%} ± {statistics.pstdev(rates):.0%})" if rates else ""
    print(f"{args.run}: {good} of {total} complete functions parse{spread}; "
          f"{args.count} samples of {args.length} chars at temperature {args.temperature}"
          + (f"; {signatures} of {args.count} complete the prime's def as a signature" if signatures is not None else ""))


if __name__ == "__main__":
    main()
