"""Combining a model's answer with a cue rule's answer into one recorded `Prediction`.

Policy: the rule decides only when its configured precision (config.toml
[classify].rule_precision) is at least the model's confidence; otherwise the model
decides. A rule with its own precision (a Markdown quotation, a reply's bare verdict)
always decides here (classify lets a model that agrees more surely keep its confidence).
Either way both answers stay in the record, so a researcher can always see when, and by
which cue, a rule overrode a model.
"""

from __future__ import annotations

from pipeline.core.config import Config
from pipeline.core.schema import Prediction
from pipeline.models.cues import RuleHit

ModelOut = tuple[str, float, dict[str, float]]


def combine(
    task: str,
    model_out: ModelOut | None,
    model_name: str | None,
    hit: RuleHit | None,
    cfg: Config,
    default_label: str | None = None,
) -> Prediction:
    if hit is not None and hit.label not in cfg.labels_for(task):
        # A corpus config may drop labels the cue lexicon knows: such a cue cannot decide.
        hit = None
    structural = hit is not None and hit.precision is not None
    precision = hit.precision if structural else cfg.classify.rule_precision.get(task, 0.0)
    model_fields = {}
    if model_out is not None:
        label, conf, scores = model_out
        model_fields = {"model": model_name, "model_label": label, "model_confidence": conf, "scores": scores}
    rule_fields = {"rule": hit.rule, "rule_label": hit.label, "cue": hit.cue} if hit else {}
    if hit is not None and (model_out is None or structural or precision >= model_out[1]):
        return Prediction(label=hit.label, confidence=precision, source="rule", **model_fields, **rule_fields)
    if model_out is not None:
        return Prediction(label=model_out[0], confidence=model_out[1], source="model", **model_fields, **rule_fields)
    if default_label is None:
        raise ValueError(f"no model, no rule and no default for {task}")
    return Prediction(label=default_label, confidence=0.0, source="default")
