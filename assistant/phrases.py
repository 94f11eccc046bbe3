"""The few words the extractive engine writes itself, in the question's language."""

from __future__ import annotations

LANGUAGE_NAMES = {
    "en": {"fr": "French", "zh": "Chinese", "en": "English"},
    "fr": {"fr": "français", "zh": "chinois", "en": "anglais"},
    "zh": {"fr": "法文", "zh": "中文", "en": "英文"},
}

LEAD_IN = {
    "en": "According to the documents:",
    "fr": "D'après les documents :",
    "zh": "根据文档：",
}

# Used when the cited sentences are in another language than the question (no translation).
LEAD_IN_QUOTED = {
    "en": "According to the documents (quoted in {languages}):",
    "fr": "D'après les documents (cités en {languages}) :",
    "zh": "根据文档（原文为{languages}）：",
}

# Before a quote from another paragraph than the previous one: the answer reads as one text.
CONNECTORS = {
    "en": "Also:",
    "fr": "Par ailleurs :",
    "zh": "此外，",
}

ABSTAIN = {
    "en": "The documents don't say. The nearest paragraphs are shown beside the answer, "
    "but they do not answer the question.",
    "fr": "Les documents ne le disent pas. Les paragraphes les plus proches sont affichés, "
    "mais ils ne répondent pas à la question.",
    "zh": "文档中没有相关信息。旁边列出的是最接近的段落，但它们并不回答这个问题。",
}

NO_DOCUMENTS = {
    "en": "No documents are loaded yet: add some with `docqa ingest PATH` or the Documents tab.",
    "fr": "Aucun document n'est chargé : ajoutez-en avec `docqa ingest CHEMIN` ou l'onglet "
    "Documents.",
    "zh": "尚未加载任何文档：请用 `docqa ingest 路径` 或“文档”标签页添加。",
}


def lead_in(question_lang: str, evidence_langs: set[str]) -> str:
    foreign = sorted(evidence_langs - {question_lang})
    if not foreign:
        return LEAD_IN[question_lang]
    names = LANGUAGE_NAMES[question_lang]
    joiner = "、" if question_lang == "zh" else " / "
    return LEAD_IN_QUOTED[question_lang].format(
        languages=joiner.join(names[lang] for lang in sorted(evidence_langs))
    )


def strip_lead_in(text: str) -> str:
    """The answer without the engine's lead-in (which no paragraph states)."""
    for lang, plain in LEAD_IN.items():
        if text.startswith(plain):
            return text[len(plain) :].lstrip()
        quoted_head = LEAD_IN_QUOTED[lang].split("{languages}")[0]
        tail = LEAD_IN_QUOTED[lang].split("{languages}")[1]
        if text.startswith(quoted_head) and tail in text:
            return text[text.index(tail) + len(tail) :].lstrip()
    return text


def strip_connector(claim: str) -> str:
    """A claim without the connector the engine put before it (no paragraph states it)."""
    for connector in CONNECTORS.values():
        if claim.startswith(connector):
            return claim[len(connector) :].lstrip()
    return claim
