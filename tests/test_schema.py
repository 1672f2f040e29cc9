"""The documentation of the data model matches the data model."""

from __future__ import annotations

import re

import pytest

from pipeline.core import schema
from pipeline.core.config import DEFAULT_CONFIG, PROJ_ROOT

RECORDS = [
    "Post",
    "Author",
    "Evidence",
    "Span",
    "GoldLabels",
    "Thread",
    "Participant",
    "Note",
    "Sentence",
    "Unit",
    "Prediction",
    "PostLabels",
    "UnitLabels",
    "ParticipantLabels",
    "Relation",
    "KeyPoint",
    "Annotation",
]


@pytest.mark.parametrize("name", RECORDS)
def test_schema_every_field_is_documented(name):
    doc = (PROJ_ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_0-9]+)`", doc))
    fields = set(getattr(schema, name).model_fields) - {"schema_version"}
    assert fields <= documented, f"{name}: undocumented fields {sorted(fields - documented)}"


def test_schema_records_refuse_unknown_fields():
    with pytest.raises(ValueError):
        schema.Span.model_validate({"start": 0, "end": 1, "length": 1})


def test_schema_a_rule_cannot_decide_a_label_the_config_does_not_list(tmp_path):
    from pipeline.core.config import load_config
    from pipeline.models.cues import RuleHit
    from pipeline.models.labeling import combine

    text = (DEFAULT_CONFIG).read_text(encoding="utf-8")
    narrow = tmp_path / "config.toml"
    narrow.write_text(
        text.replace(
            '"researcher", "student", "citizen", "organization", "unknown"',
            '"researcher", "student", "organization", "unknown"',
        ),
        encoding="utf-8",
    )
    cfg = load_config(narrow)
    assert "citizen" not in cfg.labels_for("role")
    pred = combine(
        "role", None, None, RuleHit("citizen", "role:first_person:citizen", "som borger"), cfg, default_label="unknown"
    )
    assert pred.label == "unknown" and pred.source == "default"


def test_schema_a_researchers_config_holds_only_what_it_changes(tmp_path):
    from pipeline.core.config import load_config

    mine = tmp_path / "mine.toml"
    mine.write_text('[graph]\nmax_corpus_nodes = 500000\n\n[labels]\nreply_stance = ["agree", "disagree"]\n')
    cfg, default = load_config(mine), load_config()
    assert cfg.graph.max_corpus_nodes == 500000 and default.graph.max_corpus_nodes == 100000
    # the rest of [graph] and every other table keep the package's values
    assert cfg.graph.colors == default.graph.colors and cfg.report == default.report
    # a label set is replaced whole, not merged with the default's labels
    assert cfg.labels_for("reply_stance") == ("agree", "disagree")
    assert cfg.labels_for("role") == default.labels_for("role")
    # other schemes' spellings of labels the set no longer has name nothing
    assert cfg.label_spelt("reply_stance", "Supporting") is None
    assert default.label_spelt("reply_stance", "Supporting") == "support"


def test_schema_a_misspelt_or_mistyped_setting_names_its_file_and_line(tmp_path):
    import subprocess
    import sys

    mine = tmp_path / "mine.toml"
    mine.write_text("# my settings\n[report]\nmax_trees = 4\nmax_participant = 10\n")
    run = subprocess.run(
        [sys.executable, "-m", "pipeline", "--config", str(mine), "report", "--out", str(tmp_path / "r")],
        capture_output=True,
        text=True,
        cwd=PROJ_ROOT,
    )
    assert run.returncode == 2
    assert f"{mine}:4: report.max_participant: Extra inputs are not permitted" in run.stderr
    mine.write_text("[report]\nmax_trees = 'eight'\n")
    from pipeline.core.config import load_config
    from pipeline.core.errors import InputError

    with pytest.raises(InputError) as err:
        load_config(mine)
    assert err.value.line == 2 and "report.max_trees" in err.value.message
    mine.write_text("[graph]\nmax_corpus_nodes = 5\n\n[grpah]\nmax_corpus_nodes = 6\n")
    with pytest.raises(InputError) as err:
        load_config(mine)
    assert err.value.line == 4 and err.value.message == "grpah: Extra inputs are not permitted"


@pytest.mark.parametrize(
    ("setting", "where", "message"),
    [
        ("[replies]\ndefault = 5.0\n", 2, "replies.default: Input should be less than or equal to 1"),
        ("[report]\nmax_trees = -1\n", 2, "report.max_trees: Input should be greater than or equal to 0"),
        ("[scale]\nshard_posts = 0\n", 2, "scale.shard_posts: Input should be greater than or equal to 1"),
        ("[train]\nfolds = 1\n", 2, "train.folds: Input should be greater than or equal to 2"),
        ("[labels]\nreply_stance = []\n", 1, "the label set of reply_stance is empty"),
        ("[labels]\nrole = ['union', 'union']\n", 1, "the label set of role names ['union'] twice"),
        ("[train.sklearn]\nrole = { C = 0.0 }\n", 1, "role.C must be a number above 0, not 0.0"),
        # A misspelt recipe setting had reached the estimator as a raw TypeError at `make
        # train`; a weight of nan trained on weights of nan; a misspelt task was ignored.
        ("[train.sklearn]\nreply_stance = { grup_weight = 0.5 }\n", 1, "reply_stance.grup_weight is no setting"),
        ("[train.sklearn]\nreply_stance = { group_weight = nan }\n", 1, "must be a number of 0 or more, not nan"),
        ("[train.sklearn]\nrole = { use_pair = 'ja' }\n", 1, "role.use_pair must be true or false, not 'ja'"),
        ("[train.sklearn]\nreply_stnace = { C = 2.0 }\n", 1, "'reply_stnace' is no task"),
        ("[languages]\ncandidates = ['da', 'xx']\n", 2, "['xx'] are no ISO 639-1 codes"),
        # A setting nothing read (the thread's target comes from ingest's target rules).
        ("[classify]\ndefault_target_from = 'root_title'\n", 2, "Extra inputs are not permitted"),
    ],
)
def test_schema_a_setting_out_of_its_range_names_its_file_and_line(tmp_path, setting, where, message):
    """A confidence above 1, a negative count, an empty label set: refused where the config
    is read (they had crashed a later stage, or given confidences of 5)."""
    from pipeline.core.config import load_config
    from pipeline.core.errors import InputError

    mine = tmp_path / "mine.toml"
    mine.write_text(setting)
    with pytest.raises(InputError) as err:
        load_config(mine)
    assert err.value.line == where and message in err.value.message


def test_schema_a_recipe_setting_is_one_the_estimator_takes():
    import inspect

    from pipeline.core.config import RECIPE_SETTINGS
    from pipeline.estimators import TextPairClassifier

    taken = set(inspect.signature(TextPairClassifier.__init__).parameters) - {"self"}
    # The n-gram ranges are pairs, which a TOML recipe of numbers, flags and names cannot hold.
    assert set(RECIPE_SETTINGS) == taken - {"word_ngram_range", "char_ngram_range"}


def test_schema_cli_help_imports_no_stage_and_no_model_library():
    import subprocess
    import sys

    code = (
        "import sys; from pipeline.cli import build_parser; build_parser(); "
        "heavy = {'torch', 'transformers', 'spacy', 'sklearn', 'pipeline.review.export', 'pipeline.review.filled', "
        "'pipeline.ingest.build', 'pipeline.classify.stage', 'pipeline.report.render'}; "
        "print(sorted(m for m in sys.modules if m in heavy or m.split('.')[0] in heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PROJ_ROOT)
    assert out.stdout.strip() == "[]"  # `python -m pipeline --help` answers at once


def test_every_option_of_every_command_says_what_it_is_or_its_default():
    import argparse

    from pipeline.cli import build_parser

    def commands(parser, name="python -m pipeline"):
        yield name, parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub, child in action.choices.items():
                    yield from commands(child, f"{name} {sub}")

    undocumented = [
        f"{name} {action.option_strings[0]}"
        for name, parser in commands(build_parser())
        for action in parser._actions
        if action.option_strings and not action.help and action.option_strings[0] not in ("-h",)
    ]
    assert undocumented == []
    helps = {name: parser.format_help() for name, parser in commands(build_parser())}
    classify = " ".join(helps["python -m pipeline classify"].split())
    assert "--corpus CORPUS default: data/interim/corpus" in classify
    assert "--out OUT default: data/processed/predictions" in classify
    assert "only for provenance (default: models/unit_type)" in classify


def test_the_transformers_options_name_the_backend_defaults():
    from pipeline.cli import build_parser
    from pipeline.models.hf import DEFAULTS

    train = build_parser()._subparsers._group_actions[0].choices["train"]
    helps = {a.dest: a.help for a in train._actions}
    for option in ("epochs", "batch_size", "lr", "max_length"):
        said = re.search(r"\(default: ([0-9.e-]+)\)", helps[option])
        assert said and float(said.group(1)) == DEFAULTS[option], option
