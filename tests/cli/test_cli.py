"""The real `docqa` command, run as a subprocess against a store in a temporary folder."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from evals import default_eval_set, load_eval_set
from ingest import default_corpus
from ingest.readers import read_plain_text
from tests.ingest.test_document_ids import NAMES, write_folder

DOCQA = Path(sys.executable).parent / "docqa"
DECLARATION = "000_08fd0699280038d4.txt"
FACT_SHEET = "004_c1644274363e99c0.txt"
FACT_SHEET_TITLE = "La Conférence pour l'interaction et les mesures de confiance en Asie"
CONTRACT_KEYS = {"question", "language", "answer", "abstained", "citations", "retrieved"}
CITATION_KEYS = {"marker", "doc", "paragraph_id", "section", "page", "text", "quote"}


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def docqa(
    store: Path, *args: str, timeout: float = 300, settings: dict[str, str] | None = None
) -> Run:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCQA_")}
    env["DOCQA_STORE_PATH"] = str(store)
    env |= settings or {}
    done = subprocess.run(
        [str(DOCQA), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def seed_paragraph_counts() -> dict[str, int]:
    return {
        p.name: len(read_plain_text(p.name, p.read_bytes()).drafts)
        for p in sorted(default_corpus().glob("*.txt"))
    }


@pytest.fixture(scope="module")
def first_ingest(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    store = tmp_path_factory.mktemp("cli") / "store"
    return store, docqa(store, "ingest", "--default-corpus")


@pytest.fixture(scope="module")
def store(first_ingest: tuple[Path, Run]) -> Path:
    """A store holding the seed corpus, ingested by the CLI (read-only use)."""
    path, run = first_ingest
    assert run.code == 0, run.err
    return path


@pytest.fixture
def own_store(store: Path, tmp_path: Path) -> Path:
    """A private copy of the seeded store, for commands that change it."""
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    return copy


def test_ingest_default_corpus_prints_a_summary(first_ingest: tuple[Path, Run]) -> None:
    store, run = first_ingest
    counts = seed_paragraph_counts()

    assert run.code == 0, run.err
    assert f"store: {store}" in run.out
    for doc_id, paragraphs in counts.items():
        assert re.search(
            rf"added\s+.+ \({re.escape(doc_id)}\): {paragraphs} paragraphs \(\+{paragraphs} added, "
            r"0 kept, 0 replaced, 0 removed\)",
            run.out,
        ), run.out
    total = sum(counts.values())
    assert f"2 documents: {total} paragraphs added, 0 kept, 0 replaced, 0 removed; 0 failed" in (
        run.out
    )


def test_a_second_ingest_keeps_everything(own_store: Path) -> None:
    run = docqa(own_store, "ingest", "--default-corpus")
    total = sum(seed_paragraph_counts().values())

    assert run.code == 0, run.err
    assert run.out.count("unchanged") == 2
    assert f"2 documents: 0 paragraphs added, {total} kept, 0 replaced, 0 removed; 0 failed" in (
        run.out
    )


def test_docs_lists_both_seed_documents_with_paragraph_counts(store: Path) -> None:
    listed = docqa(store, "docs")
    explicit = docqa(store, "docs", "list")

    assert listed.code == explicit.code == 0, listed.err + explicit.err
    assert listed.out == explicit.out
    rows = [line.split("\t") for line in listed.out.splitlines()]
    assert [(row[1], row[2]) for row in rows] == [
        (doc_id, f"{n} paragraphs") for doc_id, n in seed_paragraph_counts().items()
    ]
    assert rows[1][0] == FACT_SHEET_TITLE  # the title first, the file name (the id) beside it
    assert rows[0][3] == "fr"
    assert rows[1][3] == "fr,zh"


def test_docs_show_prints_every_paragraph(store: Path) -> None:
    run = docqa(store, "docs", "show", FACT_SHEET)

    assert run.code == 0, run.err
    assert run.out.startswith(f"{FACT_SHEET_TITLE} ({FACT_SHEET}): 2 paragraphs\n")
    assert re.findall(r"^¶(\d+) \[(\w+)\]", run.out, re.MULTILINE) == [("1", "fr"), ("2", "zh")]
    assert "26 pays membres" in run.out
    assert "26个成员国" in run.out


def test_docs_remove_then_the_document_is_gone(own_store: Path) -> None:
    removed = docqa(own_store, "docs", "remove", FACT_SHEET)
    listed = docqa(own_store, "docs")
    again = docqa(own_store, "docs", "remove", FACT_SHEET)

    assert removed.code == 0, removed.err
    assert f"removed {FACT_SHEET_TITLE} ({FACT_SHEET}): 2 paragraphs" in removed.out
    assert FACT_SHEET not in listed.out
    assert DECLARATION in listed.out
    assert again.code == 2
    assert FACT_SHEET in again.err


@pytest.mark.parametrize("command", [("docs", "remove"), ("docs", "show")])
def test_an_unknown_document_id_is_a_usage_error(store: Path, command: tuple[str, str]) -> None:
    run = docqa(store, *command, "unknown.txt")

    assert run.code == 2
    assert "unknown.txt" in run.err
    assert "docqa docs" in run.err  # says how to find the ids
    assert "Traceback" not in run.err


def test_ask_about_an_unknown_document_is_a_usage_error_naming_it(store: Path) -> None:
    run = docqa(store, "ask", "--doc", "nope.txt", "Qui a signé la déclaration ?")

    assert run.code == 2
    assert "nope.txt" in run.err
    assert "docqa docs" in run.err
    assert "Traceback" not in run.err and "Error finding id" not in run.err


def test_two_folders_sharing_file_names_keep_every_document(tmp_path: Path) -> None:
    """Before, ids were bare file names: 10 documents reported, 5 kept."""
    for first_doc, folder in ((10, "x1"), (20, "x2")):
        write_folder(tmp_path / folder, first_doc)
    store = tmp_path / "store"

    run = docqa(store, "ingest", str(tmp_path / "x1"), str(tmp_path / "x2"))
    listed = docqa(store, "docs")

    assert run.code == 0, run.err
    assert "10 documents: 30 paragraphs added" in run.out
    ids = sorted(line.split("\t")[1] for line in listed.out.splitlines())
    assert ids == sorted(f"{folder}/{name}" for folder in ("x1", "x2") for name in NAMES)


def test_ask_json_prints_the_answer_contract(store: Path) -> None:
    run = docqa(store, "ask", "--json", "亚信会议有多少个成员国？")

    assert run.code == 0, run.err
    payload = json.loads(run.out)
    assert payload.keys() >= CONTRACT_KEYS
    assert payload["language"] == "zh"
    assert payload["abstained"] is False
    assert payload["citations"]
    for citation in payload["citations"]:
        assert citation.keys() >= CITATION_KEYS
        assert citation["text"][citation["start"] : citation["end"]] == citation["quote"]
        assert f"[{citation['marker']}]" in payload["answer"]
    assert any(
        "26个成员国" in c["text"] or "26 pays membres" in c["text"] for c in payload["citations"]
    )
    assert payload["retrieved"]


def test_ask_prints_the_answer_with_its_sources(store: Path) -> None:
    run = docqa(store, "ask", "--lang", "fr", "Combien de pays membres la CICA comptait-elle ?")

    assert run.code == 0, run.err
    assert "Sources:" in run.out or "Nearest paragraphs" in run.out
    assert "亚信" not in run.out.split("Sources:")[-1]  # the filter kept to French paragraphs
    assert f"{FACT_SHEET_TITLE} ({FACT_SHEET}) ¶1" in run.out  # sources named by their title


@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("", "empty"),
        ("\u200b\u2060", "empty"),  # zero-width characters only
        ("\udcff", "broken character"),  # a byte that is not UTF-8, as Python passes argv
        ("x" * 100_000, "100,000"),
    ],
)
def test_ask_refuses_a_question_it_cannot_take(store: Path, question: str, says: str) -> None:
    run = docqa(store, "ask", question)

    assert run.code == 2
    assert says in run.err
    assert "Traceback" not in run.err


def test_a_too_long_question_names_the_setting_behind_the_limit(store: Path) -> None:
    run = docqa(store, "ask", "x" * 5_000)

    assert run.code == 2
    assert "limit is 2,000" in run.err and "DOCQA_MAX_QUESTION_CHARS" in run.err


def test_ingest_of_a_missing_path_is_a_usage_error(store: Path) -> None:
    run = docqa(store, "ingest", "/does/not/exist")

    assert run.code == 2
    assert "/does/not/exist" in run.err
    assert "Traceback" not in run.err


def test_ingest_without_paths_is_a_usage_error(store: Path) -> None:
    run = docqa(store, "ingest")

    assert run.code == 2
    assert "--default-corpus" in run.err


def test_a_failed_ingest_exits_1_and_the_store_keeps_its_documents(
    own_store: Path, tmp_path: Path
) -> None:
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(500))

    run = docqa(own_store, "ingest", str(binary))
    after = docqa(own_store, "docs")

    assert run.code == 1
    assert "scan.txt" in run.err
    assert "binary" in run.err
    assert "1 failed" in run.out
    assert after.code == 0, after.err
    listed = [line.split("\t")[1:3] for line in after.out.splitlines()]
    assert listed == [[doc, f"{n} paragraphs"] for doc, n in seed_paragraph_counts().items()]


def test_eval_writes_results_and_report_and_prints_the_table(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    report = tmp_path / "report.json"
    ids = [item.id for item in load_eval_set(default_eval_set())]

    run = docqa(store, "eval", "--out", str(out), "--report", str(report))

    assert run.code == 0, run.err
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in rows] == ids
    for row in rows:
        assert row.keys() >= CONTRACT_KEYS
    summary = json.loads(report.read_text(encoding="utf-8"))
    assert set(summary) == {"fr", "en", "zh", "cross-lingual", "all"}
    assert summary["all"]["questions"] == len(ids)
    for label in ("evidence recall", "citation precision", "abstention accuracy", "retrieval MRR"):
        assert label in run.out
    assert re.search(rf"\d+ of {len(ids)} questions failed", run.out)


def test_eval_with_a_missing_set_is_a_usage_error(store: Path, tmp_path: Path) -> None:
    run = docqa(store, "eval", "--set", str(tmp_path / "nope.jsonl"))

    assert run.code == 2
    assert "nope.jsonl" in run.err


def test_eval_on_an_empty_store_ingests_the_seed_corpus_for_the_shipped_set(
    tmp_path: Path,
) -> None:
    store = tmp_path / "fresh"
    report = tmp_path / "report.json"

    run = docqa(store, "eval", "--report", str(report))

    assert run.code == 0, run.err
    assert f"{len(seed_paragraph_counts())} documents" in run.out
    summary = json.loads(report.read_text(encoding="utf-8"))
    assert summary["all"]["evidence_recall"] > 0.5  # answered from the corpus, not 'no documents'


def test_eval_of_a_custom_set_on_an_empty_store_names_the_fix(tmp_path: Path) -> None:
    custom = tmp_path / "set.jsonl"
    shutil.copy(default_eval_set(), custom)

    run = docqa(tmp_path / "empty", "eval", "--set", str(custom))

    assert run.code == 1
    assert "empty" in run.err and "docqa ingest" in run.err


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"DOCQA_TOP_K": "abc"}, "DOCQA_TOP_K='abc'"),
        ({"DOCQA_ENGINE": "llm"}, "DOCQA_ENGINE='llm'"),
        ({"DOCQA_ENGINE": "reader", "DOCQA_EMBEDDERS": "e5"}, "DOCQA_EMBEDDERS starting with use"),
        ({"DOCQA_CANDIDATES": "40"}, "DOCQA_CANDIDATES is now DOCQA_SEARCH_DEPTH"),
    ],
)
def test_a_setting_that_cannot_work_is_a_usage_error_naming_it(
    tmp_path: Path, settings: dict[str, str], named: str
) -> None:
    run = docqa(tmp_path / "store", "ask", "Qui ?", settings=settings)

    assert run.code == 2, run.err
    assert named in run.err and "Traceback" not in run.err
