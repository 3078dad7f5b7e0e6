"""The command line's one policy for inputs, shared by ``geoparse``, ``claims`` and ``batch``.

How an INPUT argument is expanded (:func:`expand`), how an article is read (:func:`read_source`), what a bad
input gets (one line on stderr, the others go on: :class:`Reporter`) and the exit codes
(:data:`EXIT_STATUSES`, :func:`exit_code`). ``--help`` shows the same rules (:func:`epilog`).
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from glob import glob
from pathlib import Path
from typing import TextIO

from dashboard import settings
from dashboard.article import ARTICLE_SUFFIXES, HTML_SUFFIXES, Article, read_article, read_html_article
from dashboard.errors import InputError

#: How the commands name themselves in messages: ``dashboard geoparse: skipped a.txt: the article is empty``.
PROG = "dashboard"

EXIT_OK = 0
EXIT_SKIPPED = 1
EXIT_USAGE = 2
EXIT_FAILED = 3

#: Skipped records ``batch`` names on stderr; all of them are in its store's rejects.jsonl, as a table of
#: a million rows may reject thousands (Reuters-21578 has 2,535 records without a body).
BATCH_SKIPS_SHOWN = 20


@dataclass(frozen=True)
class ExitStatus:
    """One exit code of the commands and when it is returned."""

    code: int
    meaning: str


#: The exit codes, identical for ``geoparse``, ``claims`` and ``batch`` (the README's table says the same).
#: Skipping is not silent: a script running ``geoparse *.txt > out.geojson && ...`` learns that some files
#: were left out (1, like ``cat`` or ``wc`` with one missing file), while 2 means there is no output at all.
EXIT_STATUSES: tuple[ExitStatus, ...] = (
    ExitStatus(EXIT_OK, "every input was read and the output written"),
    ExitStatus(
        EXIT_SKIPPED,
        "the output was written, but some inputs (files, or records of a table) were skipped; "
        f"each is named on stderr (batch: the first {BATCH_SKIPS_SHOWN}, all of them in rejects.jsonl)",
    ),
    ExitStatus(
        EXIT_USAGE,
        "a usage error (a bad option or argument), or no input could be read; "
        "geoparse and claims then write no output, batch lists the reasons in rejects.jsonl",
    ),
    ExitStatus(
        EXIT_FAILED,
        "the run failed: the output cannot be written, the bundled geodata is broken, "
        "or a batch chunk failed on every try",
    ),
)


@dataclass(frozen=True)
class InputRule:
    """How one form of INPUT argument is read."""

    form: str
    rule: str


#: The forms an INPUT takes, tried in this order.
INPUT_RULES: tuple[InputRule, ...] = (
    InputRule("-", "standard input, as plain UTF-8 text (not for batch)"),
    InputRule(
        "FILE",
        "read whatever its name: .html/.htm/.xhtml as a web page (its main text), else UTF-8 text "
        "(batch: .jsonl/.csv/.parquet/.json as a table of articles, one a row)",
    ),
    InputRule(
        "FOLDER",
        "every file under it, sorted, hidden ones left out; files that are not articles "
        f"({'/'.join(ARTICLE_SUFFIXES)}; batch: also tables) are skipped and named",
    ),
    InputRule(
        "PATTERN",
        "a quoted glob ('news/*.txt', 'news/**/*.html') that is not itself a path is expanded like the "
        "shell; one that matches nothing is a skipped input",
    ),
)

#: What happens to a bad input, in every command.
BAD_INPUT_RULE = (
    "A bad input (missing, unreadable, empty, binary, not UTF-8, over "
    f"{settings.MAX_ARTICLE_BYTES // 2**20} MB, a malformed record) is skipped with one line on stderr, "
    f"'{PROG} COMMAND: skipped INPUT: why'; the others are processed, and a last line counts them."
)

# Characters that make an argument a glob pattern (as the shell reads them).
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class Source:
    """One input after expansion.

    ``name`` is what messages and output rows call it (the path as given or found, ``-`` for stdin), ``path``
    is None for stdin, ``folder`` the folder argument it was found in (else None), and ``problem`` says why
    it cannot be read (a missing path), else None.
    """

    name: str
    path: Path | None = None
    folder: Path | None = None
    problem: str | None = None


def walk(folder: Path) -> Iterator[Path]:
    """Files under a folder in a stable order, hidden files and folders (``.git``, ``.DS_Store``) left out."""
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not p.is_file():
            continue
        yield p


def expand(args: Iterable[str | Path], accept: Collection[str] = ARTICLE_SUFFIXES) -> list[Source]:
    """The inputs named by command-line arguments, in order (see :data:`INPUT_RULES`).

    Parameters
    ----------
    args : iterable of str or Path
        ``-``, files, folders or glob patterns.
    accept : collection of str
        File name endings read in a folder; other files there come back with a ``problem``.

    Returns
    -------
    list of Source
        One per file (a folder gives its files); a missing path, an empty folder or a pattern that matches
        nothing gives one Source with its ``problem``.
    """
    accepted = {s.lower() for s in accept}
    out: list[Source] = []
    for arg in args:
        text = str(arg)
        if text == "-":
            again = any(s.name == "-" for s in out)  # a second read would find it empty
            out.append(Source("-", problem="standard input is read once; name '-' once" if again else None))
            continue
        path = Path(text)
        if path.is_dir():
            out.extend(_folder(path, accepted))
        elif path.exists() or path.is_symlink():
            out.append(Source(text, path))
        elif _GLOB_CHARS & set(text):
            matches = sorted(glob(text, recursive=True))
            if not matches:
                out.append(Source(text, problem="no file matches this pattern"))
            for m in matches:
                out.extend(_folder(Path(m), accepted) if Path(m).is_dir() else [Source(m, Path(m))])
        else:
            out.append(Source(text, problem="no such file or folder"))
    return out


def _folder(folder: Path, accepted: set[str]) -> list[Source]:
    found = []
    for f in walk(folder):
        suffix = f.suffix.lower()
        problem = None if suffix in accepted else f"not an article file ({suffix or 'no suffix'})"
        found.append(Source(str(f), f, folder, problem))
    if not found:
        return [Source(str(folder), problem="the folder holds no files")]
    return found


def read_source(source: Source, max_bytes: int = settings.MAX_ARTICLE_BYTES) -> Article:
    """Read one input as an article: a web page by its main text (trafilatura), else UTF-8 text.

    At most ``max_bytes + 1`` bytes are read, so a huge file is refused without filling memory.

    Raises
    ------
    InputError
        Its message starts with ``source.name``: missing, unreadable, or what the article readers refuse
        (empty, binary, not UTF-8, too large, a page without text).
    """
    if source.problem is not None:
        msg = f"{source.name}: {source.problem}"
        raise InputError(msg)
    try:
        if source.path is None:
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            with source.path.open("rb") as f:
                data = f.read(max_bytes + 1)
    except IsADirectoryError:
        msg = f"{source.name}: is a folder"
        raise InputError(msg) from None
    except OSError as exc:
        msg = f"{source.name}: cannot be read ({exc.strerror or exc})"
        raise InputError(msg) from None
    if len(data) > max_bytes:
        mb = max_bytes / 2**20
        msg = f"{source.name}: the file is larger than {mb:.0f} MB; split it into smaller articles"
        raise InputError(msg)
    if source.path is not None and source.path.suffix.lower() in HTML_SUFFIXES:
        return read_html_article(data, source.name)
    return read_article(data, source.name)


def reason_of(exc: Exception, source: str) -> str:
    """An error's message without the leading ``source:`` the readers put there (the skip line adds it)."""
    return str(exc).removeprefix(f"{source}: ")


def exit_code(read: int, skipped: int) -> int:
    """The exit code of a run that read ``read`` inputs and skipped ``skipped`` (:data:`EXIT_STATUSES`)."""
    if read == 0:
        return EXIT_USAGE
    return EXIT_SKIPPED if skipped else EXIT_OK


class Reporter:
    """Counts what a command read and skipped, and says so on stderr in the policy's words.

    Parameters
    ----------
    command : str
        ``geoparse``, ``claims`` or ``batch`` (named in every line).
    shown : int, optional
        Name at most this many skipped inputs on stderr (batch: the rest are in ``rejects.jsonl``).
    stream : file, optional
        Where the lines go (default: the current ``sys.stderr``).
    """

    def __init__(self, command: str, shown: int | None = None, stream: TextIO | None = None) -> None:
        self.command = command
        self.shown = shown
        self._stream = stream
        self.read = 0
        self.skipped = 0

    @property
    def stream(self) -> TextIO:
        return self._stream if self._stream is not None else sys.stderr

    def line(self, text: str) -> None:
        """One line on stderr, prefixed with the command."""
        print(f"{PROG} {self.command}: {text}", file=self.stream, flush=True)

    def error(self, message: str) -> None:
        """A usage error or a failure: ``dashboard CMD: error: message``."""
        self.line(f"error: {message}")

    def ok(self, n: int = 1) -> None:
        """Count ``n`` inputs read."""
        self.read += n

    def skip(self, source: str, reason: str) -> None:
        """Count a skipped input and name it (unless more than ``shown`` were named already)."""
        self.skipped += 1
        if self.shown is None or self.skipped <= self.shown:
            self.line(f"skipped {source}: {reason}")

    def skip_error(self, exc: Exception, source: str) -> None:
        """Skip ``source`` for the reason ``exc`` gives."""
        self.skip(source, reason_of(exc, source))

    def summary(self, unit: str = "inputs", listed_in: str | None = None) -> str:
        """The last line, e.g. ``2 of 3 inputs read, 1 skipped``; ``listed_in`` names where every skip is."""
        text = f"{self.read:,} of {self.read + self.skipped:,} {unit} read, {self.skipped:,} skipped"
        if self.shown is not None and self.skipped > self.shown:
            text += f" (the first {self.shown:,} named above)"
        if listed_in and self.skipped:
            text += f"; all of them in {listed_in}"
        return text

    def finish(self, unit: str = "inputs", listed_in: str | None = None, always: bool = False) -> int:
        """Print the summary (when something was skipped, or ``always``) and return the exit code."""
        if self.skipped or always:
            self.line(self.summary(unit, listed_in))
        return self.exit_code()

    def exit_code(self) -> int:
        """The run's exit code so far (see :func:`exit_code`)."""
        return exit_code(self.read, self.skipped)


def epilog(width: int = 78) -> str:
    """The ``--help`` epilog of every command: the input forms, the bad-input rule and the exit codes (for
    ``argparse.RawDescriptionHelpFormatter``, which keeps these line breaks)."""

    def item(head: str, text: str) -> str:
        return textwrap.fill(text, width, initial_indent=f"  {head:<9}", subsequent_indent=" " * 11)

    return "\n".join(
        [
            "inputs:",
            *(item(r.form, r.rule) for r in INPUT_RULES),
            "",
            textwrap.fill(BAD_INPUT_RULE, width),
            "",
            "exit status (the same for geoparse, claims and batch):",
            *(item(str(s.code), s.meaning) for s in EXIT_STATUSES),
        ]
    )
