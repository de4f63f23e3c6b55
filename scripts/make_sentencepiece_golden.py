#!/usr/bin/env python3
"""Generate the SentencePiece golden reference for SeqGen's subword tokenizer.

Trains a BPE model with Python's `sentencepiece` on the first 60,000 characters of
fixtures/text/shakespeare.txt, with the options SeqGen trains its own with
(TextDomain.trainTokenizer: byte fallback, no normalisation, spaces kept, no dummy prefix,
no <s>/</s>), and writes

* fixtures/reference/sentencepiece_bpe.model: the model, as spm_train writes it;
* fixtures/reference/sentencepiece_golden.json: the library version and, for a few texts
  (seen and unseen words, spacing, characters the model lacks), the ids Python encodes them to.

SentencePieceGoldenTests loads the .model through SeqGen's wrapper of Debian's libsentencepiece
and checks it encodes every text to the same ids: a model made by the Python tooling is read the
same way by SeqGen. (The other direction, Python loading a run's tokenizer.model, is shown in
docs/text.md.)

Run from the repo root with a Python that has sentencepiece (`~/torchenv/bin/pip install
sentencepiece`):

    ~/torchenv/bin/python scripts/make_sentencepiece_golden.py

The Swift tests read only the two files; Python is not needed to run them.
"""
import io
import json
import os

import sentencepiece as spm

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
reference = os.path.join(root, "fixtures", "reference")
with open(os.path.join(root, "fixtures", "text", "shakespeare.txt"), encoding="utf-8") as f:
    text = f.read()[:60000]

model = io.BytesIO()
spm.SentencePieceTrainer.train(
    sentence_iterator=iter([line for line in text.split("\n") if line]),
    model_writer=model,
    model_type="bpe",
    vocab_size=400,
    byte_fallback=True,
    character_coverage=1.0,
    normalization_rule_name="identity",
    remove_extra_whitespaces=False,
    add_dummy_prefix=False,
    allow_whitespace_only_pieces=True,
    bos_id=-1,
    eos_id=-1,
    num_threads=1,
    minloglevel=2,
)
with open(os.path.join(reference, "sentencepiece_bpe.model"), "wb") as f:
    f.write(model.getvalue())

sp = spm.SentencePieceProcessor(model_proto=model.getvalue())
texts = [
    "ROMEO: But soft, what light through yonder window breaks?",
    "  Enter HAMLET.\n\n\tThe king's men",
    "Zanzibar xylophone quixotic",
    "日本語 and café — 🙂",
    "line one\nline two\n",
    "x",
]
cases = [{"text": t, "ids": sp.encode(t)} for t in texts]
for c in cases:
    assert sp.decode(c["ids"]) == c["text"], c["text"]
with open(os.path.join(reference, "sentencepiece_golden.json"), "w", encoding="utf-8") as f:
    json.dump({"version": spm.__version__, "cases": cases}, f, ensure_ascii=False, indent=1)
    f.write("\n")
print("wrote", len(model.getvalue()), "bytes of model and", len(cases), "cases; sentencepiece", spm.__version__)
