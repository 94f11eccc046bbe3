"""The answer contract's keys (docs/architecture.md), written out once for the tests."""

CONTRACT_KEYS = {
    "question",
    "language",
    "answer",
    "abstained",
    "short_answer",
    "citations",
    "retrieved",
    "timings_ms",
}
CITATION_KEYS = {
    "marker",
    "doc",
    "paragraph_id",
    "section",
    "page",
    "text",
    "quote",
    "start",
    "end",
    "support",
}
