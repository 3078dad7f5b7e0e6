"""Archive audit: geoparse the whole Reuters-21578 archive, each article on its own date.

usage: python bench/audit_reuters.py [--limit N] [--top 100] [--out DIR] [--fixture FILE.csv]

Lists the most frequent (surface -> place) resolutions and the most frequent unresolved capitalised names that
look like places (after a locative preposition: "in Lagos", "from Oslo"), each with its count and one sample
sentence, and writes them to ``DIR/resolutions.tsv``, ``DIR/unresolved.tsv`` and every pair's count to
``DIR/all_resolutions.tsv`` (default ``.cache/audit``: the sample sentences are Reuters text, which must never
be committed). With ``--fixture`` (the reviewed list, ``tests/data/reuters_audit.csv``), prints the mentions
per verdict (the error counts: ``wrong_mentions``, ``mixed_mentions``, ``unresolved_missed``) and the rows
that regressed.

The archive (``.cache/reuters/package/data/full/reuters-*.json``) is fetched by ``scripts/fetch_reuters.sh``.
Bodies are hard-wrapped at about 70 columns with paragraphs starting on an indented line; lines are joined
into paragraphs before parsing, as a reader would read them.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections import Counter
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ARCHIVE = ROOT / ".cache" / "reuters" / "package" / "data" / "full"

# A wrapped line continues the paragraph unless the next line is indented (a new paragraph).
_WRAP = re.compile(r"[ \t]*\n(?![ \t]{2,}|\n)[ \t]*")
_TRAILER = re.compile(r"\s*\bReuter\b\s*\x03?\s*\Z")
# A capitalised name (up to 3 words) right after a locative preposition.
_LOCATIVE_NAME = re.compile(
    r"\b(?:in|at|near|from|outside)[ \t]+((?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?:[ \t][A-Z][a-z]+){0,2})\b"
)
_words = str.split
# Capitalised words after a locative preposition that are not places (calendar words, generic heads).
NOT_PLACE_WORDS = frozenset(
    _words(
        """January February March April May June July August September October November December Monday
    Tuesday Wednesday Thursday Friday Saturday Sunday The A An This That These Those It Its His Her Their Our
    We They He She I Mr Mrs Ms Dr Inc Co Corp Ltd Group Company Bank Reuters Reuter Chairman President
    Congress Senate
    House Court Treasury Department Ministry Government Parliament Exchange Board Commission Committee Council
    First Second Third Fourth Fifth Other Some All Each Both Such Several Many Most No Any One Two Three Four
    Five Six Seven Eight Nine Ten Section Article Chapter Class Series Phase Stage Part Tokyo's"""
    )
)


def parse_date(value: str) -> date | None:
    """Reuters-21578's date ("26-FEB-1987 15:14:36.41"); None when it does not parse."""
    try:
        return datetime.strptime(value.split()[0], "%d-%b-%Y").date()
    except (ValueError, AttributeError, IndexError):
        return None


def article_text(record: dict) -> str:
    """The body as paragraphs (wrapped lines joined), without the "Reuter" sign-off."""
    body = _TRAILER.sub("", str(record.get("body") or ""))
    return _WRAP.sub(" ", body).strip()


def read_archive(path: Path = ARCHIVE, limit: int = 0) -> list[tuple[str, date | None, str]]:
    """(id, date, text) of every article with a body, in archive order."""
    files = sorted(path.glob("reuters-*.json"))
    if not files:
        msg = f"no Reuters archive in {path}; run `bash scripts/fetch_reuters.sh`"
        raise SystemExit(msg)
    out = []
    for f in files:
        for rec in json.loads(f.read_text(encoding="utf-8")):
            text = article_text(rec)
            if text:
                out.append((str(rec.get("id")), parse_date(str(rec.get("date", ""))), text))
                if limit and len(out) >= limit:
                    return out
    return out


def sentence_at(text: str, start: int, end: int, width: int = 220) -> str:
    """The sentence around ``text[start:end]`` (clipped to ``width`` characters)."""
    lo = max(text.rfind(". ", 0, start) + 2, text.rfind("\n", 0, start) + 1, 0)
    hi_dot, hi_nl = text.find(". ", end), text.find("\n", end)
    his = [h for h in (hi_dot, hi_nl) if h >= 0]
    hi = min(his) + 1 if his else len(text)
    s = text[lo:hi].strip()
    return s if len(s) <= width else s[: width - 3] + "..."


def audit(articles: list[tuple[str, date | None, str]]) -> tuple[dict, dict]:
    """Counts and one sample sentence per (surface, place id, name) and per unresolved locative name."""
    from dashboard.geoparse import geoparse

    resolved: dict[tuple[str, str, str], list] = {}
    unresolved: dict[str, list] = {}
    for _id, day, text in articles:
        mentions = geoparse(text, on=day)
        covered = [(m.start, m.end) for m in mentions]
        for m in mentions:
            key = (m.text, m.place_id, m.name)
            got = resolved.get(key)
            if got is None:
                resolved[key] = [1, sentence_at(text, m.start, m.end)]
            else:
                got[0] += 1
        for hit in _LOCATIVE_NAME.finditer(text):
            s, e = hit.span(1)
            name = hit.group(1)
            if name.split()[0] in NOT_PLACE_WORDS or any(cs < e and s < ce for cs, ce in covered):
                continue
            got = unresolved.get(name)
            if got is None:
                unresolved[name] = [1, sentence_at(text, s, e)]
            else:
                got[0] += 1
    return resolved, unresolved


def read_fixture(path: Path) -> list[dict]:
    """The reviewed list: list (resolved|unresolved), surface, place_id, verdict, count_before, count_after,
    note. Verdicts: resolved ``right`` / ``wrong`` (fixed, must not come back) / ``mixed`` (right and wrong
    uses, not asserted); unresolved ``not_place`` / ``missed`` (a place still missed, open) /
    ``missed_fixed`` (resolved since)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def pair_counts(resolved: dict) -> Counter:
    """(surface, place id) -> mentions, over the audit's resolutions."""
    out: Counter = Counter()
    for (surface, pid, _name), (count, _s) in resolved.items():
        out[(surface, pid)] += count
    return out


def check_fixture(rows: list[dict], resolved: dict, unresolved: dict) -> tuple[dict[str, int], list[str]]:
    """Error counts of the reviewed list now, and the rows that regressed.

    A ``right`` pair must keep at least 80 % of its reviewed count; a fixed ``wrong`` pair may not grow
    beyond its reviewed count plus max(5, 20 %); a ``not_place`` name must stay unresolved (80 %); a
    ``missed_fixed`` name may not be missed more often than when reviewed.
    """
    pairs = pair_counts(resolved)
    counts = Counter()
    failures = []
    for r in rows:
        was = int(r["count_after"])
        if r["list"] == "resolved":
            now = pairs[(r["surface"], r["place_id"])]
            counts[f"{r['verdict']}_mentions"] += now
            if r["verdict"] == "right" and now < 0.8 * was:
                failures.append(f"right {r['surface']} -> {r['place_id']}: {now} (reviewed {was})")
            if r["verdict"] == "wrong" and now > was + max(5, 0.2 * was):
                failures.append(f"wrong {r['surface']} -> {r['place_id']} came back: {now} (reviewed {was})")
        else:
            now = unresolved.get(r["surface"], [0])[0]
            counts[f"unresolved_{r['verdict']}"] += now
            if r["verdict"] == "not_place" and now < 0.8 * was:
                failures.append(f"not a place but resolved now: {r['surface']} ({now} unresolved, was {was})")
            if r["verdict"] == "missed_fixed" and now > was:
                failures.append(f"missed again: {r['surface']} ({now}, reviewed {was})")
    return dict(counts), failures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles")
    ap.add_argument("--top", type=int, default=100)
    ap.add_argument("--out", type=Path, default=ROOT / ".cache" / "audit")
    ap.add_argument("--fixture", type=Path, default=None, help="reviewed list: print the error counts")
    a = ap.parse_args()
    t0 = time.perf_counter()
    articles = read_archive(limit=a.limit)
    dated = sum(d is not None for _i, d, _t in articles)
    mb = sum(len(t.encode("utf-8")) for _i, _d, t in articles) / 1e6
    resolved, unresolved = audit(articles)
    secs = time.perf_counter() - t0
    a.out.mkdir(parents=True, exist_ok=True)
    top_res = sorted(resolved.items(), key=lambda kv: (-kv[1][0], kv[0]))[: a.top]
    top_un = sorted(unresolved.items(), key=lambda kv: (-kv[1][0], kv[0]))[: a.top]
    with (a.out / "resolutions.tsv").open("w", encoding="utf-8") as fh:
        fh.write("count\tsurface\tplace_id\tname\tsample\n")
        for (surface, pid, name), (count, sample) in top_res:
            fh.write(f"{count}\t{surface}\t{pid}\t{name}\t{sample}\n")
    with (a.out / "unresolved.tsv").open("w", encoding="utf-8") as fh:
        fh.write("count\tname\tsample\n")
        for name, (count, sample) in top_un:
            fh.write(f"{count}\t{name}\t{sample}\n")
    with (a.out / "all_resolutions.tsv").open("w", encoding="utf-8") as fh:
        fh.write("count\tsurface\tplace_id\tname\n")
        for (surface, pid, name), (count, _sample) in sorted(resolved.items(), key=lambda kv: -kv[1][0]):
            fh.write(f"{count}\t{surface}\t{pid}\t{name}\n")
    print(f"{len(articles)} articles ({dated} dated), {mb:.1f} MB, {secs:.1f} s -> {a.out}")
    print(f"mentions {sum(v[0] for v in resolved.values())}, distinct (surface, place) {len(resolved)}")
    print(f"\nTop {a.top} resolutions (count, surface -> place):")
    for (surface, pid, name), (count, _s) in top_res:
        print(f"{count:6d}  {surface} -> {pid} ({name})")
    print(f"\nTop {a.top} unresolved names after a locative preposition:")
    for name, (count, _s) in top_un:
        print(f"{count:6d}  {name}")
    if a.fixture is not None:
        counts, failures = check_fixture(read_fixture(a.fixture), resolved, unresolved)
        print(f"\nreviewed list {a.fixture}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        for f in failures:
            print(f"  REGRESSION {f}")


if __name__ == "__main__":
    main()
