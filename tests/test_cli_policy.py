"""One command-line policy: the same bad input gives `geoparse`, `claims` and `batch` the same message and the
same exit code; inputs expand the same way; the README and --help state the same exit codes."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys

import pytest

from dashboard import cli_policy
from dashboard.cli_policy import EXIT_OK, EXIT_SKIPPED, EXIT_USAGE, Source, expand, read_source
from dashboard.errors import InputError
from dashboard.settings import MAX_ARTICLE_BYTES, PROJECT_ROOT

COMMANDS = ("geoparse", "claims", "batch")
GOOD = "date 2022-01-28 Tensions\nTroops moved from Kyiv to Crimea; Russia borders Ukraine.\n"
GOOD2 = "date 2022-02-01 Minsk\nExercises in Belarus near Poland.\n"


def run(command: str, *inputs, tmp_path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    extra = ["--out", str(tmp_path / f"store-{command}"), "--workers", "1"] if command == "batch" else []
    return subprocess.run(
        [sys.executable, "-m", "dashboard", command, *map(str, inputs), *extra],
        cwd=PROJECT_ROOT,
        input=stdin,
        capture_output=True,
        timeout=300,
    )


def policy_lines(r: subprocess.CompletedProcess, command: str) -> list[str]:
    """The policy's lines on stderr (skips, errors, the summary) with the command's name taken out, so the
    three commands' lines compare equal; batch's progress bar and store statistics are left out."""
    prefix = f"dashboard {command}: "
    err = r.stderr.decode()
    assert "Traceback" not in err
    return [line.removeprefix(prefix) for line in err.splitlines() if line.startswith(prefix)]


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad")
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    (d / "latin1.txt").write_bytes("date 2022-01-28 x\nCaf\xe9 in Paris".encode("latin-1"))
    return d


# Each bad input alone: the reason every command gives (after "skipped PATH: ").
BAD_INPUTS = {
    "missing.txt": "no such file or folder",
    "empty.txt": "the article is empty",
    "binary.txt": "this looks like a binary file, not a plain-text article",
    "latin1.txt": "the file is not valid UTF-8 (byte 21); save it as UTF-8 text",
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_a_bad_input_alone_gives_every_command_the_same_line_and_exit_2(bad, tmp_path, name):
    path = bad / name
    got = {}
    for command in COMMANDS:
        r = run(command, path, tmp_path=tmp_path)
        assert r.returncode == EXIT_USAGE, (command, r.stderr.decode())
        lines = policy_lines(r, command)
        assert lines[0] == f"skipped {path}: {BAD_INPUTS[name]}", command
        got[command] = lines[0]
        if command != "batch":
            assert r.stdout == b"", command  # nothing read: no output to mistake for "no places"
    assert len(set(got.values())) == 1


def test_a_folder_with_one_bad_file_among_good_ones_exits_1_in_every_command(bad, tmp_path):
    d = tmp_path / "news"
    d.mkdir()
    (d / "a.txt").write_text(GOOD, encoding="utf-8")
    (d / "b.txt").write_bytes((bad / "binary.txt").read_bytes())
    (d / "c.txt").write_text(GOOD2, encoding="utf-8")
    want = [
        f"skipped {d / 'b.txt'}: this looks like a binary file, not a plain-text article",
        "2 of 3 articles read, 1 skipped",
    ]
    for command in COMMANDS:
        r = run(command, d, tmp_path=tmp_path)
        assert r.returncode == EXIT_SKIPPED, (command, r.stderr.decode())
        lines = policy_lines(r, command)
        assert lines[0] == want[0] and lines[-1].startswith(want[1]), (command, lines)
    # The good files' output is there.
    r = run("geoparse", d, tmp_path=tmp_path)
    sources = {f["properties"]["source"] for f in json.loads(r.stdout)["features"]}
    assert sources == {str(d / "a.txt"), str(d / "c.txt")}
    manifest = json.loads((tmp_path / "store-batch" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["articles"] == 2 and manifest["counts"]["rejects"] == 1


def test_a_malformed_record_in_a_table_is_skipped_and_counted_by_batch(tmp_path):
    table = tmp_path / "feed.jsonl"
    rows = [{"id": "a", "date": "2022-01-28", "text": "Troops near Kyiv."}, "{not json", {"id": "b"}]
    table.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), "utf-8")
    r = run("batch", table, tmp_path=tmp_path)
    assert r.returncode == EXIT_SKIPPED, r.stderr.decode()
    lines = policy_lines(r, "batch")
    assert f"skipped {table}:2: malformed row (not valid JSON)" in lines
    assert f"skipped {table}:3: no date" in lines
    assert lines[-1].startswith("1 of 3 articles read, 2 skipped; all of them in ")


def test_every_command_reads_stdin_but_batch_names_it_as_skipped(tmp_path):
    for command in ("geoparse", "claims"):
        r = run(command, "-", tmp_path=tmp_path, stdin=GOOD.encode())
        assert r.returncode == EXIT_OK and r.stderr.decode() == "", command
    r = run("batch", "-", tmp_path=tmp_path)
    assert r.returncode == EXIT_USAGE
    assert policy_lines(r, "batch")[0] == "skipped -: batch reads files and folders, not standard input"


def test_a_quoted_pattern_is_expanded_and_one_matching_nothing_is_skipped(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text(GOOD2, encoding="utf-8")
    (tmp_path / "c.md").write_text(GOOD2, encoding="utf-8")
    got = [s.name for s in expand([str(tmp_path / "**" / "*.txt")])]
    assert got == [str(tmp_path / "a.txt"), str(tmp_path / "sub" / "b.txt")]
    r = run("geoparse", tmp_path / "*.txt", tmp_path / "*.csv", "--format", "jsonl", tmp_path=tmp_path)
    assert r.returncode == EXIT_SKIPPED
    assert policy_lines(r, "geoparse")[0] == f"skipped {tmp_path / '*.csv'}: no file matches this pattern"
    sources = {json.loads(line)["source"] for line in r.stdout.decode().splitlines()}
    assert sources == {str(tmp_path / "a.txt")}


def test_expand_names_folders_files_and_problems(tmp_path):
    (tmp_path / "b.txt").write_text("x", encoding="utf-8")
    (tmp_path / "a.html").write_text("x", encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    got = expand([tmp_path, "-", tmp_path / "photo.jpg", tmp_path / "nope.txt", "-"])
    assert [(s.name, s.problem) for s in got] == [
        (str(tmp_path / "a.html"), None),
        (str(tmp_path / "b.txt"), None),
        (str(tmp_path / "photo.jpg"), "not an article file (.jpg)"),  # in a folder: not an article
        ("-", None),
        (str(tmp_path / "photo.jpg"), None),  # named on its own: read whatever its name
        (str(tmp_path / "nope.txt"), "no such file or folder"),
        ("-", "standard input is read once; name '-' once"),
    ]
    assert got[0].folder == tmp_path and got[4].folder is None
    assert [(s.name, s.problem) for s in expand([tmp_path / "empty"])] == [
        (str(tmp_path / "empty"), "the folder holds no files")
    ]


def test_a_huge_file_is_refused_without_reading_it_all(tmp_path, monkeypatch):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:  # sparse: no disk space taken
        f.truncate(50 * MAX_ARTICLE_BYTES)
    read = []
    real_open = type(huge).open

    class Counting:  # the file object, recording how much is asked of it
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def read(self, n=-1):
            read.append(n)
            return self.fh.read(n)

    def counting_open(self, *a, **kw):
        return Counting(real_open(self, *a, **kw))

    monkeypatch.setattr(type(huge), "open", counting_open)
    with pytest.raises(InputError, match=r"huge\.txt: the file is larger than 10 MB"):
        read_source(Source(str(huge), huge))
    assert read == [MAX_ARTICLE_BYTES + 1]


def test_an_html_page_is_read_by_its_main_text(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Kyiv</title><script>var x = 'Paris';</script></head>"
        "<body><nav>Home | World</nav><article><p>Troops moved from Kyiv to Crimea on Monday, officials "
        "said, as talks in Geneva stalled again.</p></article></body></html>",
        encoding="utf-8",
    )
    art = read_source(Source(str(page), page))
    assert "Kyiv to Crimea" in art.text and "Paris" not in art.text and "<p>" not in art.text


def test_exit_codes_and_the_summary_line():
    assert cli_policy.exit_code(3, 0) == EXIT_OK
    assert cli_policy.exit_code(2, 1) == EXIT_SKIPPED
    assert cli_policy.exit_code(0, 4) == EXIT_USAGE
    assert cli_policy.exit_code(0, 0) == EXIT_USAGE  # nothing to read is not success
    err = io.StringIO()
    report = cli_policy.Reporter("batch", shown=2, stream=err)
    report.ok(5)
    for i in range(4):
        report.skip(f"t.jsonl:{i}", "no date")
    assert report.finish("articles", listed_in="s/rejects.jsonl") == EXIT_SKIPPED
    assert err.getvalue().splitlines() == [
        "dashboard batch: skipped t.jsonl:0: no date",
        "dashboard batch: skipped t.jsonl:1: no date",
        "dashboard batch: 5 of 9 articles read, 4 skipped (the first 2 named above); "
        "all of them in s/rejects.jsonl",
    ]


def test_readme_and_help_state_the_policy_s_exit_codes():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\d)` \| (.+?) \|$", readme, flags=re.M))
    assert rows == {str(s.code): s.meaning for s in cli_policy.EXIT_STATUSES}
    for command in COMMANDS:
        r = subprocess.run(
            [sys.executable, "-m", "dashboard", command, "--help"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            timeout=60,
        )
        text = " ".join(r.stdout.decode().split())
        assert r.returncode == 0
        for s in cli_policy.EXIT_STATUSES:
            assert f"{s.code} {s.meaning}" in text, (command, s.code)
        assert "skipped INPUT: why" in text
