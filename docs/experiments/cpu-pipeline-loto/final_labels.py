"""Experiment: the pipeline's final labels on DAST topics its models never saw.

The model cards score the models alone. What a researcher gets is classify's final label:
the model, unless a cue rule (reply stance: "ikke enig", "nej ...") or the reply
composition (a reply's support or denial of a parent with a stance) decides. Here, for
each of DAST's 7 topics: the reply- and target-stance recipes are trained on the other six
(DAST only, no seed gold; `train --no-cv`), then the held-out topic's file goes through
ingest, segment and classify with those models (the committed unit and role models), and
the final labels are scored against the topic's gold, pooled over topics. The models
alone are scored on the same items. Run from the repository root (about 5 minutes):
PYTHONPATH=. python docs/experiments/cpu-pipeline-loto/final_labels.py [CONFIG] [--e5]
With --e5 the reply-stance recipe is the default profile's (train --encoder-features with
multilingual-e5-small, as models/reply_stance_e5), classify then using the encoder."""

import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from sklearn.metrics import f1_score

from pipeline.core.config import DAST_DEFAULT

rows = [json.loads(line) for line in DAST_DEFAULT.read_text(encoding="utf-8").splitlines() if line.strip()]
topics = sorted({r["topic"] for r in rows})
work = Path(tempfile.mkdtemp())


# A config file as an argument: classify with its rule precisions instead.
ARGS = [a for a in sys.argv[1:] if a != "--e5"]
CONFIG = ["--config", ARGS[0]] if ARGS else []
E5 = "--e5" in sys.argv[1:]


def cli(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pipeline", "-q", *CONFIG, *args], check=True)


gold: dict[str, list[str]] = defaultdict(list)
final: dict[str, list[str]] = defaultdict(list)
alone: dict[str, list[str]] = defaultdict(list)
decided: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
# Per cue rule that fired: how often its label was the gold one, and the model's.
rule_hits: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
for topic in topics:
    d = work / topic
    d.mkdir()
    train, test = d / "train.jsonl", d / "test.jsonl"
    train.write_text("".join(json.dumps(r) + "\n" for r in rows if r["topic"] != topic), encoding="utf-8")
    test.write_text("".join(json.dumps(r) + "\n" for r in rows if r["topic"] == topic), encoding="utf-8")
    for task in ("reply_stance", "target_stance"):
        features = ["--encoder-features", "models/local/multilingual-e5-small"] if E5 and task == "reply_stance" else []
        cli("train", "--task", task, "--data", str(train), "--no-cv", *features, "--out", str(d / task))
    c, s, p = d / "corpus", d / "segments", d / "predictions"
    cli("ingest", "--threads", str(test), "--out", str(c))
    cli("segment", "--corpus", str(c), "--out", str(s))
    cli("classify", "--corpus", str(c), "--segments", str(s), "--out", str(p), *([] if E5 else ["--no-encoder"]),
        "--reply-model", str(d / "reply_stance"), "--target-model", str(d / "target_stance"))  # fmt: skip
    posts = {x["id"]: x for x in map(json.loads, (c / "posts.jsonl").read_text(encoding="utf-8").splitlines())}
    for lab in map(json.loads, (p / "posts.jsonl").read_text(encoding="utf-8").splitlines()):
        g = posts[lab["post_id"]].get("gold") or {}
        for task in ("reply_stance", "target_stance"):
            if g.get(task) and lab.get(task):
                gold[task].append(g[task])
                final[task].append(lab[task]["label"])
                alone[task].append(lab[task].get("model_label") or lab[task]["label"])
                decided[task][lab[task]["source"] + ":" + (lab[task].get("rule") or "")] += 1
                if lab[task].get("rule"):
                    hit = rule_hits[lab[task]["rule"]]
                    hit[0] += 1
                    hit[1] += lab[task]["rule_label"] == g[task]
                    hit[2] += lab[task].get("model_label") == g[task]
    held = json.loads((p / "provenance.json").read_text(encoding="utf-8"))["gold_agreement"]
    print(topic, {t: (v["held_out"] or {}).get("n") for t, v in held.items()}, flush=True)

for task in ("reply_stance", "target_stance"):
    print(
        f"{task}: {len(gold[task])} replies; model alone macro-F1 "
        f"{f1_score(gold[task], alone[task], average='macro'):.3f}, final labels "
        f"{f1_score(gold[task], final[task], average='macro'):.3f}; decided by {dict(decided[task])}"
    )
for rule, (n, right, model_right) in sorted(rule_hits.items()):
    print(f"{rule}: fired {n}, its label right {right / n:.2f}, the model's {model_right / n:.2f}")
