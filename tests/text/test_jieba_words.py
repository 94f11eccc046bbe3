"""jieba over its dictionary as a memory-mapped trie segments exactly as over its own dict."""

from __future__ import annotations

from pathlib import Path

import jieba

from text.jieba_words import TrieFrequencies, load_dictionary

SEED = Path(__file__).parents[2] / "ingest" / "seeds" / "004_c1644274363e99c0.txt"
SENTENCES = [
    "联合国大会于1948年12月10日通过了《世界人权宣言》。",
    "哈萨克斯坦的首都阿斯塔纳位于伊希姆河畔，人口约一百万。",
    "我们在阿拉木图参加了第二次会议，讨论了气候变化和可持续发展目标。",
]


def test_segmentation_is_unchanged_by_the_trie() -> None:
    plain = jieba.Tokenizer()
    plain.initialize()
    compact = jieba.Tokenizer()
    assert load_dictionary(compact)
    assert isinstance(compact.FREQ, TrieFrequencies) and len(compact.FREQ) == len(plain.FREQ)
    assert compact.total == plain.total
    for text in SENTENCES + SEED.read_text(encoding="utf-8").splitlines():
        assert compact.lcut(text) == plain.lcut(text)
        assert compact.lcut(text, HMM=False) == plain.lcut(text, HMM=False)
    for word in ["联合国", "联合", "阿斯塔纳", "不是一个词"]:
        assert (word in compact.FREQ) == (word in plain.FREQ)
        assert compact.FREQ.get(word) == plain.FREQ.get(word)
