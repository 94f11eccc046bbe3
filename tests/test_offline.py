"""docqa works with the network cut: in-process behind a socket guard, and as the real command
inside a network namespace that has only a loopback interface (`unshare -n`)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant import AssistantSettings
from ingest import IngestSettings, default_corpus
from store import StoreSettings
from ui.context import Context
from ui.offline import OFFLINE_ENV

BIN = Path(sys.executable).parent
QUESTIONS = [
    ("亚信会议有多少个成员国？", "zh", ("26个成员国", "26 pays membres")),
    ("Combien de pays membres la CICA comptait-elle en 2014 ?", "fr", ("26 pays membres",)),
    (
        "How many member countries did CICA have by the time of the 2014 Shanghai summit?",
        "en",
        ("26 pays membres", "26个成员国"),
    ),
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "", None}


def is_local(host: object) -> bool:
    return host in LOCAL_HOSTS or str(host).startswith("127.")


@pytest.fixture
def network_attempts(no_network: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Record every attempt to reach beyond loopback (connections and name lookups)."""
    attempts: list[str] = []
    guarded_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def recording_connect(self: socket.socket, address: object) -> None:
        if isinstance(address, tuple) and not is_local(address[0]):
            attempts.append(f"connect {address!r}")
        guarded_connect(self, address)  # type: ignore[arg-type]

    def recording_getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        if not is_local(host):
            attempts.append(f"lookup {host!r}")
            raise socket.gaierror(f"name lookups are refused in tests: {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", recording_connect)
    monkeypatch.setattr(socket, "getaddrinfo", recording_getaddrinfo)
    yield attempts


def test_ingest_and_ask_in_three_languages_without_network(
    network_attempts: list[str], tmp_path: Path
) -> None:
    context = Context(
        StoreSettings(store_path=tmp_path / "store", chroma_url=None),
        AssistantSettings(),
        IngestSettings(),
    )

    report = context.ingestor.ingest_paths([default_corpus()])

    assert not report.failed
    assert context.store.count() == report.total("added") > 0
    for question, lang, evidence in QUESTIONS:
        answer = context.assistant.ask(question)
        assert answer.language == lang
        assert not answer.abstained, (question, answer.text)
        assert any(e in c.paragraph.text for c in answer.citations for e in evidence), question
    assert network_attempts == []


# -- the real command in a network namespace ---------------------------------------------------

NAMESPACE_SCRIPT = textwrap.dedent(
    """\
    set -u
    ip link set lo up || exit 90
    "$BIN/docqa" ingest --default-corpus > "$WORK/ingest.out" 2> "$WORK/ingest.err" || exit 91
    "$BIN/docqa" ask --json "$QUESTION" > "$WORK/answer.json" 2> "$WORK/ask.err" || exit 92
    "$BIN/docqa" serve --port "$PORT" > "$WORK/serve.log" 2>&1 &
    server=$!
    "$BIN/python" - <<'PY'
    import os, time, urllib.request
    url = f"http://127.0.0.1:{os.environ['PORT']}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                body = response.read().decode("utf-8", "replace")
            with open(os.path.join(os.environ["WORK"], "page.html"), "w") as page:
                page.write(f"{response.status}\\n{body}")
            break
        except OSError as exc:
            if time.monotonic() > deadline:
                raise SystemExit(f"no page at {url} after 60 s: {exc}")
            time.sleep(0.5)
    PY
    fetched=$?
    kill "$server"
    wait "$server"
    exit "$fetched"
    """
)


@dataclass(frozen=True)
class NamespaceRun:
    code: int
    output: str
    work: Path

    def read(self, name: str) -> str:
        path = self.work / name
        return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.fixture(scope="module")
def namespace_run(tmp_path_factory: pytest.TempPathFactory) -> NamespaceRun:
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.fail("`unshare` (util-linux) is missing: install util-linux to run the offline test")
    if shutil.which("ip") is None:
        pytest.fail("`ip` (iproute2) is missing: install iproute2 to bring up loopback")
    work = tmp_path_factory.mktemp("offline")
    # Leave out the offline variables the test process set: docqa must set them itself.
    env = {
        k: v for k, v in os.environ.items() if k not in OFFLINE_ENV and not k.startswith("DOCQA_")
    }
    env |= {
        "BIN": str(BIN),
        "WORK": str(work),
        "PORT": "7860",
        "QUESTION": QUESTIONS[0][0],
        "DOCQA_STORE_PATH": str(work / "store"),
    }
    done = subprocess.run(
        [unshare, "-n", "bash", "-c", NAMESPACE_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )
    return NamespaceRun(done.returncode, done.stdout + done.stderr, work)


def describe(run: NamespaceRun) -> str:
    logs = "".join(
        f"\n--- {name}\n{run.read(name)[-1500:]}"
        for name in ("ingest.out", "ingest.err", "ask.err", "serve.log")
    )
    return f"exit {run.code}: {run.output[-1500:]}{logs}"


def test_the_namespace_has_no_network(tmp_path: Path) -> None:
    unshare = shutil.which("unshare")
    assert unshare, "`unshare` (util-linux) is missing"
    probe = "import socket; socket.create_connection(('1.1.1.1', 53), timeout=3)"

    done = subprocess.run(
        [unshare, "-n", sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode != 0
    assert "unreachable" in done.stderr.lower() or "OSError" in done.stderr, done.stderr


def test_ingest_and_ask_json_work_in_a_network_namespace(namespace_run: NamespaceRun) -> None:
    assert namespace_run.code == 0, describe(namespace_run)
    assert "2 documents" in namespace_run.read("ingest.out")
    assert "0 failed" in namespace_run.read("ingest.out")
    answer = json.loads(namespace_run.read("answer.json"))
    assert answer["language"] == "zh"
    assert answer["abstained"] is False
    assert answer["citations"]
    assert any(
        "26个成员国" in c["text"] or "26 pays membres" in c["text"] for c in answer["citations"]
    )
    for citation in answer["citations"]:
        assert f"[{citation['marker']}]" in answer["answer"]


def test_serve_answers_a_page_in_a_network_namespace(namespace_run: NamespaceRun) -> None:
    page = namespace_run.read("page.html")

    assert page.startswith("200\n"), describe(namespace_run)
    assert "<html" in page.lower()
    assert "docqa" in page
