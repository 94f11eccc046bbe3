"""The evidence panel's words in the question's language (fr, zh, en; English otherwise)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "evidence": "Evidence",
        "nearest": "Nearest paragraphs — not an answer",
        "nearest_note": "The documents don't answer this; these paragraphs came closest.",
        "nothing": "Nothing in the store matched this question. Add documents in the "
        "Documents tab, or widen the language and document filters.",
        "waiting": "Ask a question: the paragraphs that support the answer appear here, "
        "with the cited sentence highlighted.",
        "searching": "Searching the documents…",
        "verified": "verified",
        "unverified": "unverified",
        "verified_note": "The quoted sentence is in the document and supports the answer.",
        "unverified_note": "The quoted sentence is in the document, but its support for the "
        "answer is weak: check it.",
        "translation": "translation",
        "sources": "Sources",
        "question": "Question",
    },
    "fr": {
        "evidence": "Sources",
        "nearest": "Paragraphes les plus proches — pas une réponse",
        "nearest_note": "Les documents ne répondent pas à cette question ; voici les "
        "paragraphes les plus proches.",
        "nothing": "Aucun paragraphe ne correspond. Ajoutez des documents dans l'onglet "
        "Documents, ou élargissez les filtres de langue et de document.",
        "waiting": "Posez une question : les paragraphes qui appuient la réponse "
        "s'affichent ici, la phrase citée surlignée.",
        "searching": "Recherche dans les documents…",
        "verified": "vérifiée",
        "unverified": "non vérifiée",
        "verified_note": "La phrase citée figure dans le document et appuie la réponse.",
        "unverified_note": "La phrase citée figure dans le document, mais elle appuie peu la "
        "réponse : vérifiez-la.",
        "translation": "traduction",
        "sources": "Sources",
        "question": "Question",
    },
    "zh": {
        "evidence": "依据",
        "nearest": "最接近的段落——并非答案",
        "nearest_note": "文档没有回答这个问题；以下是最接近的段落。",
        "nothing": "没有匹配的段落。请在“文档”标签页添加文档，或放宽语言和文档筛选。",
        "waiting": "请提问：支持答案的段落会显示在这里，并高亮所引用的句子。",
        "searching": "正在检索文档…",
        "verified": "已核实",
        "unverified": "未核实",
        "verified_note": "所引句子出自文档，且支持该答案。",
        "unverified_note": "所引句子出自文档，但对答案的支持较弱，请核对。",
        "translation": "译文",
        "sources": "来源",
        "question": "问题",
    },
}


def labels(language: str) -> dict[str, str]:
    return LABELS.get(language, LABELS["en"])
