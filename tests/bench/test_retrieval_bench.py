"""The retrieval bench runs end to end on a tiny benchdata-shaped set (real models, real Chroma)."""

from __future__ import annotations

import json
from pathlib import Path

from bench import retrieval

PASSAGES = [
    ("x:1:en", "x:1", "en", "Rhine", "The Rhine flows from the Swiss Alps to the North Sea."),
    ("x:1:zh", "x:1", "zh", "莱茵河", "莱茵河从瑞士阿尔卑斯山流向北海。"),
    ("x:2:en", "x:2", "en", "Tea", "Green tea is made from leaves that are not oxidised."),
    ("x:2:zh", "x:2", "zh", "茶", "绿茶是用未经氧化的茶叶制成的。"),
    ("p:1:fr", "p:1", "fr", "Lyon", "Lyon est la troisième ville de France par sa population."),
]
QUERIES = [
    ("q1", "en", "Where does the Rhine flow to?", "x:1", "x:1:en"),
    ("q2", "zh", "莱茵河流向哪里？", "x:1", "x:1:zh"),
    ("q3", "en", "How is green tea made?", "x:2", "x:2:en"),
    ("q4", "zh", "绿茶是怎么制成的？", "x:2", "x:2:zh"),
    ("q5", "fr", "Quelle est la troisième ville de France ?", "p:1", "p:1:fr"),
]


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


def test_the_retrieval_bench_reports_every_setting(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    write_jsonl(
        data / "passages.jsonl",
        [
            {"pid": p, "group": g, "lang": lang, "source": "t", "title": t, "text": text}
            for p, g, lang, t, text in PASSAGES
        ],
    )
    write_jsonl(
        data / "queries.jsonl",
        [
            {
                "qid": q,
                "lang": lang,
                "source": "t",
                "question": text,
                "answers": [],
                "gold_group": g,
                "gold_pid_same_lang": pid,
                "answerable": True,
            }
            for q, lang, text, g, pid in QUERIES
        ],
    )
    out = tmp_path / "retrieval.json"

    retrieval.main(
        [
            "--data",
            str(data),
            "--cache",
            str(tmp_path / "cache"),
            "--out",
            str(out),
            "--ingest-sample",
            "3",
            "--latency-sample",
            "3",
        ]
    )

    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report["scores"]) == {"en", "zh", "fr (PIAF)", "en->zh", "zh->en", "mixed en+zh"}
    fused = {name: rows[retrieval.FUSED] for name, rows in report["scores"].items()}
    assert all(0.0 <= row["r1"] <= row["r5"] <= 1.0 for row in fused.values())
    assert fused["en"]["questions"] == 2 and fused["fr (PIAF)"]["questions"] == 1
    assert report["ingest"]["paragraphs"] == 3
    assert report["retrieve_p50_ms"] > 0
