"""Check that a change to the geoparser leaves its output unchanged: dump every mention (with its why) and
every rule removal for a fixed set of texts, then compare two dumps.

    python bench/same_mentions.py dump /tmp/before.pkl        # in the checkout before the change
    python bench/same_mentions.py dump /tmp/after.pkl         # in the checkout after it
    python bench/same_mentions.py compare /tmp/before.pkl /tmp/after.pkl

The texts: the LGL and GeoVirus articles (``../shared/eval``), the bundled seed articles and the Reuters-21578
bodies (after ``scripts/setup.sh``), each parsed as of today and as of 1987-03-01 (historic names).
"""

from __future__ import annotations

import argparse
import pickle
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATES = (None, date(1987, 3, 1))


def texts(reuters: int) -> list[tuple[str, str]]:
    """(label, text) of every text the check parses."""
    from bench.bench_geoparse import reuters_bodies

    out: list[tuple[str, str]] = []
    from bench.eval_claims import default_eval_dir

    evaluation = default_eval_dir()
    if evaluation.exists():
        sys.path.insert(0, str(evaluation))
        import corpora  # type: ignore[import-not-found]

        for name in ("lgl.xml", "GeoVirus.xml"):
            out += [(f"{name}:{d['id']}", d["text"]) for d in corpora.load(evaluation / name)]
    out += [(f"seed:{p.name}", p.read_text(encoding="utf-8")) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    out += [(f"reuters:{i}", t) for i, t in enumerate(reuters_bodies(reuters))]
    return out


def dump(path: Path, reuters: int) -> None:
    from dashboard.geoparse import default_parser

    parser = default_parser()
    got: dict[str, object] = {}
    for label, text in texts(reuters):
        for on in DATES:
            mentions = [repr(m) for m in parser.parse(text, on=on, explain=True)]
            plain = [repr(m) for m in parser.parse(text, on=on)]
            removals = [tuple(r) for r in parser.removals(text, on=on)]
            got[f"{label}@{on}"] = (mentions, plain, removals)
    path.write_bytes(pickle.dumps(got))
    print(f"{len(got):,} parses written to {path}")


def compare(a: Path, b: Path) -> int:
    before, after = pickle.loads(a.read_bytes()), pickle.loads(b.read_bytes())
    if before.keys() != after.keys():
        print(f"different text sets: {len(before)} vs {len(after)} parses")
        return 1
    bad = [k for k in before if before[k] != after[k]]
    for k in bad[:10]:
        for part, x, y in zip(("explained", "plain", "removals"), before[k], after[k], strict=True):
            if x != y:
                gone, new = [i for i in x if i not in y][:3], [i for i in y if i not in x][:3]
                print(f"{k} {part}:\n  before {gone}\n  after  {new}")
    print(f"{len(before) - len(bad):,} of {len(before):,} parses identical")
    return 1 if bad else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("--reuters", type=int, default=100_000, help="at most this many Reuters bodies")
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    a = ap.parse_args()
    if a.cmd == "dump":
        dump(a.out, a.reuters)
    else:
        raise SystemExit(compare(a.before, a.after))


if __name__ == "__main__":
    main()
