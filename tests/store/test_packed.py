"""Packed strings: the keyword index's vocabulary, ids and filter columns without Python objects."""

from __future__ import annotations

from pathlib import Path

from store.packed import Codes, PackedStrings

WORDS = ["", "abc", "déclaration", "联合国", "ab", "zz", "Zebra", "2014"]


def test_strings_come_back_by_position_and_after_a_save(tmp_path: Path) -> None:
    packed = PackedStrings.of(WORDS)
    assert list(packed) == WORDS and packed[-1] == "2014" and len(packed) == len(WORDS)
    packed.save(tmp_path, "w")
    assert list(PackedStrings.load(tmp_path, "w")) == WORDS


def test_find_agrees_with_python_order_across_scripts(tmp_path: Path) -> None:
    words = sorted(set(WORDS))
    packed = PackedStrings.of(words)
    assert [packed.find(w) for w in words] == list(range(len(words)))
    assert packed.find("abd") is None and packed.find("联合") is None and packed.find("~") is None


def test_codes_mask_the_rows_of_other_values(tmp_path: Path) -> None:
    column = ["fr", "zh", "fr", "en"]
    Codes.of(column).save(tmp_path, "lang")
    codes = Codes.load(tmp_path, "lang")
    assert codes.rows_not("fr").tolist() == [False, True, False, True]
    assert codes.rows_not("de").tolist() == [True, True, True, True]
