#!/usr/bin/env python3
"""Validate evals/sets/seed.jsonl against the seed corpus (stdlib only).

Usage: python3 check_seed.py [SEED_JSONL] [CORPUS_DIR]
Defaults: seed.jsonl next to this script, corpus in /work/shared/seeds.
Exit status 0 if every check passes, 1 otherwise.
"""
import collections
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "seed.jsonl")
CORPUS = sys.argv[2] if len(sys.argv) > 2 else "/work/shared/seeds"

LANGS = ("fr", "en", "zh")
TYPES = {"fact", "list", "why/how", "multi-hop", "cross-lingual", "unanswerable"}
FIELDS = ["id", "lang", "question", "answerable", "gold", "answer", "key_facts", "type"]
MIN_PER_LANG = 16
MIN_UNANSWERABLE = 7
MIN_UNANSWERABLE_LANGS = 3      # spread over the three languages
MIN_CROSS_LINGUAL = 10
MIN_MULTI_HOP = 6
MIN_LIST = 3
MIN_WHY_HOW = 3
MIN_FACT = 3
MAX_QUOTE_CHARS = 300


def norm(s):
    return re.sub(r"\s+", " ", s.replace("**", "")).strip()


def paragraphs(text):
    """Paragraphs = blocks separated by blank lines, normalised."""
    return [norm(p) for p in re.split(r"\n\s*\n", text) if p.strip()]


def main():
    errors, warnings = [], []
    docs = {}
    for name in sorted(os.listdir(CORPUS)):
        if name.endswith(".txt"):
            with open(os.path.join(CORPUS, name), encoding="utf-8") as f:
                raw = f.read()
            docs[name] = {"raw": raw, "norm": norm(raw), "paras": paragraphs(raw)}

    items, ids = [], set()
    with open(SEED, encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            if not line.strip():
                errors.append(f"line {ln}: empty line")
                continue
            try:
                it = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append(f"line {ln}: invalid JSON: {e}")
                continue
            if not isinstance(it, dict):
                errors.append(f"line {ln}: not a JSON object")
                continue
            items.append(it)
            iid = it.get("id", f"<line {ln}>")
            if list(it.keys()) != FIELDS:
                errors.append(f"{iid}: fields {list(it.keys())} != {FIELDS}")
            if iid in ids:
                errors.append(f"{iid}: duplicate id")
            ids.add(iid)
            lang, typ = it.get("lang"), it.get("type")
            if lang not in LANGS:
                errors.append(f"{iid}: bad lang {lang!r}")
            elif not re.fullmatch(rf"{lang}-\d{{2,}}", str(iid)):
                errors.append(f"{iid}: id does not match lang {lang}")
            if typ not in TYPES:
                errors.append(f"{iid}: bad type {typ!r}")
            for k in ("question", "answer"):
                if not isinstance(it.get(k), str) or not it[k].strip():
                    errors.append(f"{iid}: empty {k}")
            ans, gold, kfs = it.get("answerable"), it.get("gold"), it.get("key_facts")
            if not isinstance(ans, bool) or not isinstance(gold, list) or not isinstance(kfs, list):
                errors.append(f"{iid}: answerable/gold/key_facts have wrong JSON types")
                continue
            if (typ == "unanswerable") != (ans is False):
                errors.append(f"{iid}: type unanswerable <=> answerable false violated")
            if not ans:
                if gold or kfs:
                    errors.append(f"{iid}: unanswerable item must have empty gold and key_facts")
                continue
            if not gold:
                errors.append(f"{iid}: answerable item without gold")
            if not kfs:
                errors.append(f"{iid}: answerable item without key_facts")
            quotes, paras_hit = [], set()
            for gi, gq in enumerate(gold):
                doc, q = gq.get("doc"), gq.get("quote")
                if set(gq) != {"doc", "quote"}:
                    errors.append(f"{iid}: gold[{gi}] keys {sorted(gq)}")
                if doc not in docs:
                    errors.append(f"{iid}: gold[{gi}] unknown doc {doc!r}")
                    continue
                if not isinstance(q, str) or not q.strip():
                    errors.append(f"{iid}: gold[{gi}] empty quote")
                    continue
                if "**" in q:
                    errors.append(f"{iid}: gold[{gi}] quote contains '**'")
                nq = norm(q)
                if len(nq) > MAX_QUOTE_CHARS:
                    errors.append(f"{iid}: gold[{gi}] quote too long ({len(nq)} chars)")
                if nq not in docs[doc]["norm"]:
                    errors.append(f"{iid}: gold[{gi}] quote not found in {doc}: {q[:80]!r}")
                    continue
                in_paras = [pi for pi, p in enumerate(docs[doc]["paras"]) if nq in p]
                if not in_paras:
                    errors.append(f"{iid}: gold[{gi}] quote crosses a paragraph boundary in {doc}")
                else:
                    paras_hit.add((doc, in_paras[0]))
                if q not in docs[doc]["raw"]:
                    warnings.append(f"{iid}: gold[{gi}] matches only after normalisation")
                quotes.append(nq)
            for kf in kfs:
                if not isinstance(kf, str) or not kf.strip():
                    errors.append(f"{iid}: empty key_fact")
                elif not any(norm(kf) in q for q in quotes):
                    errors.append(f"{iid}: key_fact {kf!r} not in any gold quote")
            if typ == "multi-hop" and len(paras_hit) < 2:
                errors.append(f"{iid}: multi-hop needs gold from >= 2 distinct paragraphs")

    by_lang = collections.Counter(it.get("lang") for it in items)
    by_type = collections.Counter(it.get("type") for it in items)
    by_lang_type = collections.Counter((it.get("lang"), it.get("type")) for it in items)
    unans = [it for it in items if it.get("answerable") is False]
    for lang in LANGS:
        if by_lang[lang] < MIN_PER_LANG:
            errors.append(f"only {by_lang[lang]} questions in {lang} (< {MIN_PER_LANG})")
    if len(unans) < MIN_UNANSWERABLE:
        errors.append(f"only {len(unans)} unanswerable (< {MIN_UNANSWERABLE})")
    if len({it.get("lang") for it in unans}) < MIN_UNANSWERABLE_LANGS:
        errors.append("unanswerable questions are not spread over the three languages")
    for typ, mn in (("cross-lingual", MIN_CROSS_LINGUAL), ("multi-hop", MIN_MULTI_HOP),
                    ("list", MIN_LIST), ("why/how", MIN_WHY_HOW), ("fact", MIN_FACT)):
        if by_type[typ] < mn:
            errors.append(f"only {by_type[typ]} {typ} (< {mn})")

    print(f"{len(items)} items in {SEED}")
    print("per language:", dict(sorted(by_lang.items())))
    print("per type:    ", dict(sorted(by_type.items())))
    print("answerable:  ", sum(1 for it in items if it.get("answerable") is True),
          "| unanswerable:", len(unans))
    print("lang x type:")
    for lang in LANGS:
        row = {t: by_lang_type[(lang, t)] for t in sorted(TYPES) if by_lang_type[(lang, t)]}
        print(f"  {lang}: {row}")
    for w in warnings:
        print("WARN ", w)
    for e in errors:
        print("ERROR", e)
    print("OK" if not errors else f"FAILED ({len(errors)} errors)")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
