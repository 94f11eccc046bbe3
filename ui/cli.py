"""The `docqa` command line: its commands and their options. What they print, and the library's
errors translated (once) into exit codes and messages, are in ui/cli_output.py."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ui.offline import apply_offline_env

apply_offline_env()

from assistant import answer_json  # noqa: E402
from evals import default_eval_set, format_summary, load_eval_set, run_eval  # noqa: E402
from ingest import default_corpus  # noqa: E402
from store import UnknownDocument  # noqa: E402
from ui.cli_output import print_answer, print_ingest_report, translate_errors  # noqa: E402
from ui.context import Context  # noqa: E402
from ui.render_docs import count  # noqa: E402
from ui.titles import document_name, titled  # noqa: E402


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """docqa: ask questions about your documents; every claim cites its paragraph."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--default-corpus", is_flag=True, help="Ingest the seed documents shipped with docqa."
)
@translate_errors
def ingest(paths: tuple[Path, ...], default_corpus: bool) -> None:
    """Add or update documents (txt, md, pdf, docx, html); unchanged ones are not re-embedded."""
    targets = list(paths) + ([_default_corpus()] if default_corpus else [])
    if not targets:
        raise click.UsageError("give one or more files or folders, or --default-corpus")
    context = Context.from_env()
    click.echo(f"store: {context.store.location}")
    report = context.ingestor.ingest_paths(targets, progress=sys.stderr.isatty())
    print_ingest_report(report)
    if report.failed:
        sys.exit(1)


def _default_corpus() -> Path:
    return default_corpus()


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer contract as JSON.")
@click.option("--doc", "doc", default=None, help="Only search this document id.")
@click.option(
    "--lang",
    "lang",
    type=click.Choice(["fr", "zh", "en"]),
    default=None,
    help="Only search paragraphs in this language.",
)
@translate_errors
def ask(question: str, as_json: bool, doc: str | None, lang: str | None) -> None:
    """Answer QUESTION from the documents, citing the paragraphs."""
    context = Context.from_env()
    filters = {k: v for k, v in {"doc": doc, "lang": lang}.items() if v}
    answer = context.assistant.ask(question, filters=filters or None)
    if as_json:
        click.echo(json.dumps(answer_json(answer), ensure_ascii=False, indent=2))
    else:
        print_answer(answer)


@main.group(invoke_without_command=True)
@click.pass_context
def docs(ctx: click.Context) -> None:
    """List documents (or `docs remove ID`, `docs show ID`)."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_docs)


@docs.command("list")
@translate_errors
def list_docs() -> None:
    """Documents: title, file name (the id other commands take), paragraphs, languages."""
    documents = Context.from_env().store.documents()
    if not documents:
        click.echo("no documents yet: `docqa ingest PATH` adds some")
    for d in documents:
        row = [d.title or d.doc_id, d.doc_id, count(d.paragraphs), ",".join(d.languages)]
        click.echo("\t".join(row))


@docs.command("remove")
@click.argument("doc_id")
@translate_errors
def remove_doc(doc_id: str) -> None:
    """Remove a document and all its paragraphs."""
    context = Context.from_env()
    name = document_name(context.store.documents(), doc_id)
    removed = context.ingestor.remove(doc_id)
    click.echo(f"removed {name}: {count(removed)}")


@docs.command("show")
@click.argument("doc_id")
@translate_errors
def show_doc(doc_id: str) -> None:
    """Print a document paragraph by paragraph."""
    paragraphs = Context.from_env().store.paragraphs(doc_id)
    if not paragraphs:
        raise UnknownDocument.named(doc_id)
    click.echo(f"{titled(paragraphs[0].doc_title, doc_id)}: {count(len(paragraphs))}\n")
    for p in paragraphs:
        click.echo(f"¶{p.ordinal} [{p.lang}] {p.section}\n{p.text}\n")


@main.command("eval")
@click.option(
    "--set",
    "set_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Evaluation set (JSONL); default: the shipped seed set.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Write one answer-contract object per question here (JSONL).",
)
@click.option(
    "--report",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the metrics per language as JSON here.",
)
@translate_errors
def eval_command(set_path: Path | None, out: Path | None, report: Path | None) -> None:
    """Answer every question of an evaluation set and print the metrics."""
    items = load_eval_set(set_path or default_eval_set())
    context = Context.from_env()
    if context.store.count() == 0:
        if set_path is not None:
            raise click.ClickException(
                f"the store at {context.store.location} is empty, so every answer would be "
                "'no documents': ingest the documents the set asks about (`docqa ingest PATH`)"
            )
        # The shipped set asks about the shipped corpus: a fresh install evaluates at once.
        print_ingest_report(context.ingestor.ingest_paths([default_corpus()]))
    run = run_eval(context.assistant, items)
    if out:
        run.write(out)
    if report:
        report.write_text(json.dumps(run.summary, indent=2), encoding="utf-8")
    click.echo(format_summary(run.summary))
    failed = [s.id for s in run.scores if s.failed]
    click.echo(f"\n{len(failed)} of {len(items)} questions failed: {', '.join(failed) or 'none'}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=7860, show_default=True, type=int)
@click.option(
    "--ingest-default/--no-ingest-default",
    default=True,
    show_default=True,
    help="Ingest the shipped seed documents first when the store is empty.",
)
@click.option(
    "--auth",
    envvar="DOCQA_AUTH",
    default=None,
    metavar="USER:PASS",
    help="Require this login for the page, its events and the API (env DOCQA_AUTH).",
)
@translate_errors
def serve(host: str, port: int, ingest_default: bool, auth: str | None) -> None:
    """Start the chat UI on http://HOST:PORT."""
    from store.memory import tune_malloc_for_serving
    from ui.app import launch

    login = parse_login(auth)
    warning = exposure_warning(host, login)
    if warning:
        click.secho(warning, fg="red", bold=True, err=True)
    tune_malloc_for_serving()  # before the store, the models and the UI start their threads
    context = Context.from_env()
    if ingest_default and context.store.count() == 0:
        print_ingest_report(context.ingestor.ingest_paths([default_corpus()]))
    launch(context, host=host, port=port, auth=login, warm_up=True)


def parse_login(auth: str | None) -> tuple[str, str] | None:
    if auth is None:
        return None
    user, colon, password = auth.partition(":")
    if not colon or not user or not password:
        raise click.BadParameter("give the login as USER:PASS", param_hint="--auth")
    return user, password


def exposure_warning(host: str, login: tuple[str, str] | None) -> str | None:
    """A loud line when the UI is reachable beyond this machine with no login."""
    if login is not None or host in {"127.0.0.1", "localhost", "::1"} or host.startswith("127."):
        return None
    return (
        f"WARNING: serving on {host} with no login: anyone who reaches this address can read "
        "your documents, upload and remove them. Add --auth USER:PASS (or DOCQA_AUTH), or "
        "bind to 127.0.0.1."
    )


@main.command()
@click.option(
    "--path",
    "data_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder the server keeps its data in (default: chroma-server beside the on-disk store).",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True, type=int)
def chroma(data_path: Path | None, host: str, port: int) -> None:
    """Run a local Chroma server that several docqa processes can write at once."""
    import os
    import shutil

    from store import StoreSettings

    installed = Path(sys.executable).parent / "chroma"
    executable = str(installed) if installed.exists() else shutil.which("chroma")
    if executable is None:
        raise click.ClickException("the `chroma` command is missing; reinstall docqa (chromadb)")
    folder = data_path or StoreSettings().store_path.parent / "chroma-server"
    folder.mkdir(parents=True, exist_ok=True)
    click.echo(f"Chroma server on http://{host}:{port}, data in {folder}; in other shells:")
    click.echo(f"  export DOCQA_CHROMA_URL=http://{host}:{port}")
    sys.stdout.flush()
    # Become the server, so Ctrl-C and kill reach it directly.
    args = ["--path", str(folder), "--host", host, "--port", str(port)]
    os.execv(executable, [executable, "run", *args])


if __name__ == "__main__":
    main()
