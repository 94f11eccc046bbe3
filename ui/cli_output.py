"""What the `docqa` commands print: documents ingested, an answer and its sources, and the
library's errors as a usage mistake (exit 2) or a failure (exit 1), with its plain message.

Imported by ui/cli.py once the offline environment is set (it reaches the store and assistant).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click
from pydantic import ValidationError

from assistant import Answer, ConfigurationError, QuestionError
from evals import EvalSetError
from ingest import IngestReport
from store import StoreError, UnknownDocument
from ui.render import where
from ui.render_docs import count
from ui.titles import titled

F = TypeVar("F", bound=Callable[..., Any])


def translate_errors(command: F) -> F:
    """Usage mistakes exit 2, failures exit 1, each with the library's plain message."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except QuestionError as exc:
            setting = f" (the limit is set by {exc.setting})" if exc.setting else ""
            raise click.UsageError(f"{exc}{setting}") from exc
        except (EvalSetError, FileNotFoundError, ConfigurationError) as exc:
            raise click.UsageError(str(exc)) from exc
        except ValidationError as exc:
            raise click.UsageError(settings_problem(exc)) from exc
        except UnknownDocument as exc:
            raise click.UsageError(str(exc)) from exc
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper  # type: ignore[return-value]


def settings_problem(error: ValidationError) -> str:
    """A DOCQA_* variable the settings refuse, named as the user set it (README, Configuration)."""
    problems = [
        f"DOCQA_{'_'.join(str(part) for part in e['loc']).upper()}={e.get('input')!r}: {e['msg']}"
        if e["loc"]
        else str(e.get("ctx", {}).get("error", e["msg"]))  # about the settings as a whole
        for e in error.errors()
    ]
    return "; ".join(problems) + " (README, 'Configuration (environment variables)')"


def print_ingest_report(report: IngestReport) -> None:
    for doc in report.documents:
        if doc.error:
            click.secho(f"  error      {doc.source}: {doc.error}", fg="red", err=True)
            continue
        note = f"  ({doc.note})" if doc.note else ""
        click.echo(
            f"  {doc.status:<10} {titled(doc.title, doc.doc_id or doc.source)}: "
            f"{count(doc.paragraphs)} "
            f"(+{doc.added} added, {doc.kept} kept, {doc.replaced} replaced, "
            f"{doc.removed} removed){note}"
        )
    ok = [d for d in report.documents if not d.error]
    click.echo(
        f"{count(len(ok), 'document')}: {count(report.total('added'))} added, "
        f"{report.total('kept')} kept, {report.total('replaced')} replaced, "
        f"{report.total('removed')} removed; {len(report.failed)} failed"
    )


def print_answer(answer: Answer) -> None:
    click.echo(answer.text)
    if answer.citations:
        click.echo("\nSources:")
        for c in answer.citations:
            click.echo(f"  [{c.marker}] {where(c.paragraph)}\n      “{c.quote}”")
    elif answer.retrieved:
        click.echo("\nNearest paragraphs (not an answer):")
        for hit in answer.retrieved[:3]:
            p = hit.paragraph
            click.echo(f"  - {titled(p.doc_title, p.doc_name)} ¶{p.ordinal}: {p.text[:120]}…")
