"""Quality table for the README: ../shared/eval/score.py on GeoVirus and LGL, project vs geotext.

usage: python bench/eval_quality.py [--limit N]

The corpora are GPL and stay outside the project (../shared/eval); score.py drives our CLI
(`python -m dashboard geoparse ... --format geojson`) and the geotext baseline on the same articles.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
COLS = ["P", "R", "F1", "strict_F1", "acc161_recognised", "acc161_end_to_end", "s_per_MB"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=0)
    a = ap.parse_args()
    rows = []
    for corpus in ("GeoVirus.xml", "lgl.xml"):
        cmd = [sys.executable, str(EVAL / "score.py"), str(EVAL / corpus), "--project", str(ROOT), "--json"]
        cmd += ["--python", sys.executable]
        if a.limit:
            cmd += ["--limit", str(a.limit)]
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if out.returncode != 0:
            raise SystemExit(f"score.py failed on {corpus}: {out.stderr[-1000:]}")
        res = json.loads(out.stdout.strip().splitlines()[-1])
        for system in ("project", "geotext"):
            rows.append((Path(corpus).stem, system, res[system]))
    print("| corpus | system | " + " | ".join(COLS) + " |")
    print("|---|---|" + "---|" * len(COLS))
    for corpus, system, r in rows:
        print(f"| {corpus} | {system} | " + " | ".join(str(r.get(c, "")) for c in COLS) + " |")


if __name__ == "__main__":
    main()
