"""The generation token and writer sessions (store/generation.py) on a real on-disk Chroma:
how readers learn of a change, how a second writer is refused, and how a writer killed
mid-change is found and finished. Only the public protocol is used."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import StoreLocked, StoreSettings
from store.chroma_client import open_client, open_meta
from store.generation import Generation


class Recoveries:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


def generation(path: Path, recover: Recoveries | None = None) -> Generation:
    settings = StoreSettings(store_path=path)
    meta = open_meta(open_client(settings, fresh=True), "docqa-meta")
    return Generation(settings, lambda: meta, recover or Recoveries())


def test_a_session_changes_the_token_once_and_marks_it_while_writing(tmp_path: Path) -> None:
    sessions = generation(tmp_path)
    before = sessions.token()
    seen = []
    with sessions.writer():
        assert sessions.token() == before  # nothing written yet
        for _ in range(3):
            with sessions.changing():
                seen.append(sessions.token())
    after = sessions.token()

    assert len(set(seen)) == 1 and sessions.interrupted() is False
    assert seen[0] != before and not seen[0].isalnum()  # marked: a change under way
    assert after not in (before, seen[0]) and after.isalnum()
    assert sessions.seen == after  # the writer's own client holds its writes


def test_a_session_that_writes_nothing_changes_nothing(tmp_path: Path) -> None:
    sessions = generation(tmp_path)
    with sessions.changing():
        pass
    before = sessions.token()
    with sessions.writer():
        pass
    assert sessions.token() == before


def test_a_second_writer_of_the_folder_is_refused_while_the_first_writes(tmp_path: Path) -> None:
    first, second = generation(tmp_path), generation(tmp_path)
    with first.writer(), pytest.raises(StoreLocked, match="DOCQA_CHROMA_URL"), second.writer():
        pass
    with second.writer():  # free again
        pass


def test_a_change_left_marked_is_recovered_by_the_next_writer(tmp_path: Path) -> None:
    killed = generation(tmp_path)
    killed.bump(writing=True)  # what a writer killed mid-change leaves
    recover = Recoveries()
    later = generation(tmp_path, recover)
    assert later.interrupted()

    with later.writer():
        assert recover.count == 1
    assert not later.interrupted() and later.token().isalnum()
    with later.writer():  # a clean token needs no recovery
        pass
    assert recover.count == 1


def test_another_process_s_write_is_seen_by_a_reader(tmp_path: Path) -> None:
    reader, writer = generation(tmp_path), generation(tmp_path)
    seen = reader.token()
    with writer.writer(), writer.changing():
        pass
    assert reader.token() != seen
