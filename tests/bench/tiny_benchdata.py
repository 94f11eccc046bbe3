"""A tiny set shaped like ../shared/benchdata, for the bench smoke tests."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

# (pid, group, lang, title, text)
PASSAGES = [
    ("x:1:en", "x:1", "en", "Rhine", "The Rhine flows from the Swiss Alps to the North Sea."),
    ("x:1:zh", "x:1", "zh", "莱茵河", "莱茵河从瑞士阿尔卑斯山流向北海。"),
    ("x:2:en", "x:2", "en", "Tea", "Green tea is made from leaves that are not oxidised."),
    ("x:2:zh", "x:2", "zh", "茶", "绿茶是用未经氧化的茶叶制成的。"),
    ("p:1:fr", "p:1", "fr", "Lyon", "Lyon est la troisième ville de France par sa population."),
]
# (qid, lang, question, gold group, gold paragraph in the question's language, answerable)
QUERIES = [
    ("q1", "en", "Where does the Rhine flow to?", "x:1", "x:1:en", True),
    ("q2", "zh", "莱茵河流向哪里？", "x:1", "x:1:zh", True),
    ("q3", "en", "How is green tea made?", "x:2", "x:2:en", True),
    ("q4", "zh", "绿茶是怎么制成的？", "x:2", "x:2:zh", True),
    ("q5", "fr", "Quelle est la troisième ville de France ?", "p:1", "p:1:fr", True),
]

Passage = tuple[str, str, str, str, str]
Question = tuple[str, str, str, str | None, str | None, bool]


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


def write_benchdata(
    folder: Path, passages: Sequence[Passage] = PASSAGES, queries: Sequence[Question] = QUERIES
) -> Path:
    """passages.jsonl and queries.jsonl in `folder` (created), as the bench scripts read them."""
    folder.mkdir(parents=True, exist_ok=True)
    write_jsonl(
        folder / "passages.jsonl",
        [
            {"pid": p, "group": g, "lang": lang, "source": "t", "title": t, "text": text}
            for p, g, lang, t, text in passages
        ],
    )
    write_jsonl(
        folder / "queries.jsonl",
        [
            {
                "qid": q,
                "lang": lang,
                "source": "t",
                "question": text,
                "answers": [],
                "gold_group": group,
                "gold_pid_same_lang": pid,
                "answerable": answerable,
            }
            for q, lang, text, group, pid, answerable in queries
        ],
    )
    return folder
