"""Print the geoparser's false positives and negatives by surface form on an annotated corpus.

usage: eval_errors.py CORPUS.xml [--limit N] [--top K]

Reads the corpus at run time from ../shared/eval (GPL data: never copied into the project) and calls the
geoparser in-process, so it is quick to loop on while improving rules that generalise.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT.parent / "shared" / "eval"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--top", type=int, default=40)
    a = ap.parse_args()
    import corpora
    from score import distance_km

    from dashboard.gazetteer import get_gazetteer
    from dashboard.geoparse import default_parser

    docs = corpora.load(a.corpus)[: a.limit or None]
    parser = default_parser()
    gaz = get_gazetteer()
    fp, fn, wrong = Counter(), Counter(), Counter()
    tp = n_pred = n_gold = hit = n_geo = 0
    res_n = res_ok = 0  # score.py's acc@161: per recognised gold point, any overlapping prediction
    day = __import__("datetime").date(2020, 1, 1)
    geoms: dict[str, object] = {}

    def geom_of(pid: str):
        if pid not in geoms:
            try:
                geoms[pid] = gaz.geometry(pid, display=True, on=day)
            except Exception:
                geoms[pid] = None
        return geoms[pid]

    for d in docs:
        text, gold = d["text"], d["gold"]
        ms = parser.parse(text)
        n_pred += len(ms)
        n_gold += len(gold)
        for m in ms:
            g = [x for x in gold if m.start < x[1] and x[0] < m.end]
            if g:
                tp += 1
                lat, lon = g[0][3], g[0][4]
                if lat is not None:
                    n_geo += 1
                    geom = geom_of(m.place_id)
                    if geom is None or distance_km(geom, lat, lon) > 161:
                        wrong[f"{m.text} -> {m.place_id} ({m.name})"] += 1
            else:
                fp[f"{m.text} ({m.place_id} {m.type})"] += 1
        for gs, ge, surf, lat, lon, *_ in gold:
            hits = [m for m in ms if m.start < ge and gs < m.end]
            if hits:
                hit += 1
                if lat is not None:
                    res_n += 1
                    gs_ = [g for g in (geom_of(m.place_id) for m in hits) if g is not None]
                    res_ok += bool(gs_) and min(distance_km(g, lat, lon) for g in gs_) <= 161
            else:
                fn[surf] += 1
    p, r = tp / max(n_pred, 1), hit / max(n_gold, 1)
    acc = 1 - sum(wrong.values()) / max(n_geo, 1)
    f1 = 2 * p * r / max(p + r, 1e-9)
    print(
        f"P={p:.4f} R={r:.4f} F1={f1:.4f} acc161={res_ok / max(res_n, 1):.4f} (score.py's, per gold) "
        f"per-mention={acc:.3f}  pred={n_pred} gold={n_gold}"
    )
    for label, c in (("FALSE POSITIVES", fp), ("FALSE NEGATIVES", fn), ("WRONG PLACE (>161 km)", wrong)):
        print(f"\n== {label}: {sum(c.values())}")
        print("; ".join(f"{k} x{v}" for k, v in c.most_common(a.top)))


if __name__ == "__main__":
    main()
