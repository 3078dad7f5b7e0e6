"""Claims quality against labelled sentences: precision and recall per claim kind, and every wrong "differs".

usage: python bench/eval_claims.py [--limit N] [--hard-only] [--eval DIR]

Two labelled sets, both under bench/data/:

- ``claims_labels.jsonl``: every sentence of the LGL and GeoVirus news (../shared/eval; GPL, evaluation
  only, never copied here) that a broad regex finds with a number + distance/area unit or a border/size
  word, labelled as a careful reader would: the claims it makes (kind, subject, object, quantity, whether
  it is true) or none.
  Only offsets (corpus, doc id, start, end) are committed, not the text.
- ``claims_hard_cases.jsonl``: sentences written for this project (look-alikes, lists, size comparisons,
  ranks).

A claim the system reports counts as right when a label of the same kind names the same places (subject and
object, either order for adjacency and distance). Claims outside every labelled sentence count as wrong.
"differs" is right only on a claim labelled false: it must be 100% precise.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from dashboard.claims import KINDS, check_claims  # noqa: E402
from dashboard.geoparse import geoparse  # noqa: E402

DATA = ROOT / "bench" / "data"
LABELS = DATA / "claims_labels.jsonl"
HARD = DATA / "claims_hard_cases.jsonl"
CORPUS_FILES = {"lgl": "lgl.xml", "GeoVirus": "GeoVirus.xml"}


def default_eval_dir() -> Path:
    """../shared/eval next to the checkout (or next to the worktrees' parent)."""
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "eval" / "corpora.py").exists():
            return base / "shared" / "eval"
    return ROOT.parent / "shared" / "eval"


def _norm(s: str | None) -> str:
    s = unicodedata.normalize("NFKD", s or "")
    return "".join(ch for ch in s if not unicodedata.combining(ch)).lower().strip()


def _names_match(label: str | None, got: str | None) -> bool:
    if not label:
        return not got
    g = _norm(got)
    return bool(g) and any(a and (a == g or a in g or g in a) for a in map(_norm, label.split("|")))


def _matches(label: dict, claim: dict) -> bool:
    if label["kind"] != claim["kind"]:
        return False
    if claim.get("subject_name") is None and claim.get("object_name") is None:
        # "The 130-mile St. Marys River": a feature the data lacks; the stated figure identifies the claim.
        return label.get("quantity") is not None and label.get("quantity") == claim.get("stated")
    s, o = label.get("subject"), label.get("object")
    cs, co = claim.get("subject_name"), claim.get("object_name")
    if _names_match(s, cs) and (o is None or _names_match(o, co)):
        return True
    return (
        label["kind"] in ("adjacency", "distance", "length") and _names_match(s, co) and _names_match(o, cs)
    )


@dataclass
class Sentence:
    """A labelled sentence (offsets into its document) and the claims the system found in it."""

    source: str
    start: int
    end: int
    labels: list[dict]
    text: str = ""
    found: list[dict] = field(default_factory=list)


@dataclass
class Scores:
    """Counts per kind and the wrong verdicts, for the report."""

    found: dict = field(default_factory=lambda: defaultdict(int))
    right: dict = field(default_factory=lambda: defaultdict(int))
    labelled: dict = field(default_factory=lambda: defaultdict(int))
    labelled_checkable: dict = field(default_factory=lambda: defaultdict(int))
    recalled: dict = field(default_factory=lambda: defaultdict(int))
    recalled_checkable: dict = field(default_factory=lambda: defaultdict(int))
    verdicts: dict = field(default_factory=lambda: defaultdict(int))
    differs_right: int = 0
    wrong_differs: list = field(default_factory=list)
    missed_errors: list = field(default_factory=list)  # "consistent" on a claim labelled false
    wrong_claims: list = field(default_factory=list)
    missed: list = field(default_factory=list)  # labels no found claim matched
    sentences: int = 0


def score(sentences: list[Sentence], stray: list[dict] | None = None) -> Scores:
    """Match the found claims against the labels, sentence by sentence."""
    sc = Scores()
    for s in sentences:
        sc.sentences += 1
        for lab in s.labels:
            sc.labelled[lab["kind"]] += 1
            if lab.get("checkable", True):
                sc.labelled_checkable[lab["kind"]] += 1
        free = list(s.labels)
        for c in s.found:
            sc.found[c["kind"]] += 1
            sc.verdicts[c["verdict"]] += 1
            lab = next((x for x in free if _matches(x, c)), None)
            where = f"{s.source} [{s.start}:{s.end}]"
            if lab is None:
                sc.wrong_claims.append((where, c))
                if c["verdict"] == "differs":
                    sc.wrong_differs.append((where, "no such claim in the sentence", c))
                continue
            free.remove(lab)
            sc.right[c["kind"]] += 1
            sc.recalled[lab["kind"]] += 1
            if lab.get("checkable", True):
                sc.recalled_checkable[lab["kind"]] += 1
            if c["verdict"] == "differs":
                if lab.get("truth") == "false":
                    sc.differs_right += 1
                else:
                    sc.wrong_differs.append((where, f"labelled {lab.get('truth')}", c))
            elif c["verdict"] == "consistent" and lab.get("truth") == "false":
                sc.missed_errors.append((where, c))
        sc.missed.extend((f"{s.source} [{s.start}:{s.end}]", lab) for lab in free)
    for c in stray or []:
        sc.found[c["kind"]] += 1
        sc.verdicts[c["verdict"]] += 1
        sc.wrong_claims.append((c.get("source", "?"), c))
        if c["verdict"] == "differs":
            sc.wrong_differs.append((c.get("source", "?"), "outside every labelled sentence", c))
    return sc


def _load_corpora(eval_dir: Path):
    spec = importlib.util.spec_from_file_location("shared_corpora", eval_dir / "corpora.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_hard_cases(path: Path = HARD) -> list[Sentence]:
    """The project's own hard cases, each checked on its own with the real geoparser."""
    out = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        rec = json.loads(line)
        text = rec["text"]
        found = [c.to_dict() for c in check_claims(text, mentions=geoparse(text))]
        out.append(Sentence(f"hard:{i + 1}", 0, len(text), rec["claims"], text, found))
    return out


def run_corpora(eval_dir: Path, limit: int = 0) -> tuple[list[Sentence], list[dict]]:
    """Every document of each corpus (or the first ``limit`` labelled ones): claims, assigned to sentences."""
    corpora = _load_corpora(eval_dir)
    labels: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        labels[(rec["corpus"], rec["doc"])].append(rec)
    sentences, stray = [], []
    for corpus, fname in CORPUS_FILES.items():
        docs = corpora.load(eval_dir / fname)
        if limit:
            wanted = list(dict.fromkeys(d for c, d in labels if c == corpus))[:limit]
            docs = [d for d in docs if d["id"] in wanted]
        for doc in docs:
            text = doc["text"]
            recs = labels.get((corpus, doc["id"]), [])
            sents = [
                Sentence(
                    f"{corpus}:{doc['id']}", r["start"], r["end"], r["claims"], text[r["start"] : r["end"]]
                )
                for r in recs
            ]
            for c in check_claims(text, mentions=geoparse(text)):
                d = c.to_dict()
                home = next((s for s in sents if s.start <= c.start < s.end), None)
                if home is None:
                    stray.append({**d, "source": f"{corpus}:{doc['id']} [{c.start}:{c.end}]"})
                else:
                    home.found.append(d)
            sentences.extend(sents)
    return sentences, stray


def _pct(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "  - "


def report(title: str, sc: Scores, verbose: bool = False) -> str:
    """The per-kind table and the list of wrong verdicts, as text."""
    lines = [f"## {title}: {sc.sentences} labelled sentences", ""]
    lines.append(
        "| kind | found | right | precision | labelled | recall | labelled checkable | recall checkable |"
    )
    lines.append("|---|---|---|---|---|---|---|---|")
    for k in KINDS:
        if not (sc.found[k] or sc.labelled[k]):
            continue
        lines.append(
            f"| {k} | {sc.found[k]} | {sc.right[k]} | {_pct(sc.right[k], sc.found[k])} | {sc.labelled[k]} | "
            f"{_pct(sc.recalled[k], sc.labelled[k])} | {sc.labelled_checkable[k]} | "
            f"{_pct(sc.recalled_checkable[k], sc.labelled_checkable[k])} |"
        )
    tf, tr = sum(sc.found.values()), sum(sc.right.values())
    tl, trc = sum(sc.labelled.values()), sum(sc.recalled.values())
    tlc, trcc = sum(sc.labelled_checkable.values()), sum(sc.recalled_checkable.values())
    lines.append(
        f"| all | {tf} | {tr} | {_pct(tr, tf)} | {tl} | {_pct(trc, tl)} | {tlc} | {_pct(trcc, tlc)} |"
    )
    nd = sc.verdicts["differs"]
    lines += [
        "",
        f"verdicts: {dict(sc.verdicts)}; differs right {sc.differs_right} of {nd} "
        f"(precision {_pct(sc.differs_right, nd)}); wrong differs: {len(sc.wrong_differs)}; "
        f"consistent on a false claim: {len(sc.missed_errors)}",
    ]
    for where, why, c in sc.wrong_differs:
        lines.append(f"  WRONG differs {where}: {why}: {c['kind']} {c['subject_name']} / {c['object_name']}")
    for where, c in sc.wrong_claims:
        lines.append(
            f"  claim without a matching label {where}: {c['kind']} {c['subject_name']} / {c['object_name']} "
            f"({c['verdict']})"
        )
    if verbose:
        for where, lab in sc.missed:
            lines.append(f"  missed {where}: {lab}")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=0, help="only the first N labelled documents per corpus")
    ap.add_argument("--hard-only", action="store_true", help="only the project's own hard cases")
    ap.add_argument("--verbose", action="store_true", help="also list the labelled claims not found")
    ap.add_argument(
        "--eval", type=Path, default=None, help="the shared eval directory (lgl.xml, GeoVirus.xml)"
    )
    a = ap.parse_args()
    hard = score(run_hard_cases())
    print(report("hard cases (bench/data/claims_hard_cases.jsonl)", hard, a.verbose))
    bad = len(hard.wrong_differs)
    if not a.hard_only:
        eval_dir = a.eval or default_eval_dir()
        if not (eval_dir / "corpora.py").exists():
            print(f"\nerror: no corpora at {eval_dir} (pass --eval DIR or --hard-only)", file=sys.stderr)
            return 2
        sents, stray = run_corpora(eval_dir, a.limit)
        news = score(sents, stray)
        print()
        print(report(f"LGL + GeoVirus news ({LABELS.name}{', limited' if a.limit else ''})", news, a.verbose))
        bad += len(news.wrong_differs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
