"""Which files a command's paths name, and the document id of each.

Files are named as given, folders walked for the formats docqa reads; a walk never leaves its
folder (links out of it, broken links: passed over and reported, never skipped in silence), and
files of one command that would share a name are told apart by their folders.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.readers import READERS


@dataclass(frozen=True)
class PassedOver:
    """A file of a format docqa reads, found in a folder walk, that is not read: why, and what
    to do, reported as a failed document so that nothing is left out silently."""

    path: Path
    reason: str


def named_files(paths: Iterable[Path]) -> list[tuple[Path, str] | PassedOver]:
    """Files to ingest, each with its document id: files as given, folders walked for the
    formats docqa reads. A walk never leaves its folder: symbolic links to folders are not
    followed, and a link to a file outside the folder (/etc/passwd named notes.txt) is passed
    over, as is a broken link; FIFOs and devices are refused when read, as when given directly.

    A file given directly is named by its file name, a file found in a folder by its path
    inside that folder (`sub/a.txt`): stores ingested before, and the seed ids, keep their
    names. Different files of one command that would still share a name (`docqa ingest x1
    x2`, both holding a.txt) each get the name of the folder they were found in (or sit in)
    in front, `x1/a.txt` and `x2/a.txt`, and more of its path while that is not enough.
    """
    found: list[tuple[Path, Path, str]] = []  # a file, the folder its name is relative to, name
    passed_over: list[PassedOver] = []
    for path in paths:
        if not path.exists():
            if path.is_symlink():
                raise FileNotFoundError(
                    f"{path} is a symbolic link that leads nowhere (broken, or a loop); "
                    "give the file it should point to"
                )
            raise FileNotFoundError(f"{path} does not exist; check the path")
        if path.is_dir():
            for file in sorted(walk_inside(path)):
                name = file.relative_to(path).as_posix()
                if reason := _left_unread(file, name, path):
                    passed_over.append(PassedOver(file, reason))
                else:
                    found.append((file, path, name))
        else:
            found.append((path, path.parent, path.name))
    folders_by_name: dict[str, dict[Path, Path]] = {}  # name -> each file's folder
    for file, folder, name in found:
        folders_by_name.setdefault(name, {})[file.resolve()] = folder.resolve()
    named: list[tuple[Path, str] | PassedOver] = [
        (file, _told_apart(name, folders_by_name[name], file.resolve())) for file, _, name in found
    ]
    return named + passed_over


def _told_apart(name: str, folders: dict[Path, Path], file: Path) -> str:
    """`name`, with as many of its folder's last parts in front as tell the different files
    of that name apart (none when it is the only one)."""
    if len(folders) < 2:
        return name
    deepest = max(len(folder.parts) for folder in folders.values())
    for depth in range(1, deepest + 1):
        labels = {f: "/".join(folder.parts[1:][-depth:]) for f, folder in folders.items()}
        if len(set(labels.values())) == len(labels):
            break
    return f"{labels[file]}/{name}" if labels[file] else name


def walk_inside(folder: Path) -> Iterator[Path]:
    """Every entry under `folder` with a suffix docqa reads, without following links to
    folders: FIFOs, devices and links too, so that one not read is reported, not skipped."""
    for directory, _, names in os.walk(folder, followlinks=False):
        for name in names:
            path = Path(directory) / name
            if path.suffix.lower() in READERS:
                yield path


def _left_unread(path: Path, name: str, folder: Path) -> str | None:
    """Why a link found walking `folder` is not followed: it leads nowhere, or out of the
    folder (to /etc/passwd, /dev/zero). None for anything else."""
    if not path.is_symlink():
        return None
    if not path.exists():
        return (
            f"{name} is a symbolic link that leads nowhere (broken, or a loop); give the file it "
            "should point to, or remove the link"
        )
    target = path.resolve()
    if target.is_relative_to(folder.resolve()):
        return None
    return (
        f"{name} is a symbolic link to {target}, outside the folder {folder}, and a folder walk "
        "never leaves its folder; give the file directly, or copy it into the folder"
    )
