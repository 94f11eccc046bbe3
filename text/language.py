"""Which language a text is in: per paragraph at ingest, per question when asked."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np

LANGUAGES = ("fr", "zh", "en")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


@lru_cache(maxsize=1)
def _identifier() -> Any:
    # py3langid ships its model inside the package: no download at run time. Only our languages'
    # columns are kept: set_languages() would also keep the 97-language table (28 MB).
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
    from py3langid.modelio import load_model

    ptc, pc, classes, nextmove, row, output = load_model(MODEL_DIR / MODEL_FILE)
    kept = [i for i, lang in enumerate(classes) if lang in LANGUAGES]
    return LanguageIdentifier(
        np.ascontiguousarray(ptc[:, kept]),
        np.asarray(pc)[kept],
        [classes[i] for i in kept],
        nextmove,
        output,
        norm_probs=True,
        tk_row=row,
    )


def cjk_share(text: str) -> float:
    """Share of letters that are CJK ideographs."""
    letters = _LETTER.findall(text)
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _CJK.match(ch)) / len(letters)


def detect_language(text: str, default: str = "en") -> str:
    """Return 'fr', 'zh' or 'en'. Chinese is decided by script, French vs English by langid."""
    if cjk_share(text) >= 0.3:
        return "zh"
    if not _LETTER.search(text):
        return default
    lang, _ = _identifier().classify(text)
    return str(lang) if lang in LANGUAGES else default
