"""Typed, documented defaults shared by the package."""

import os
from pathlib import Path

#: Project root (the folder holding ``geodata/`` and ``seeds/``).
PROJECT_ROOT: Path = Path(__file__).resolve().parent.parent

#: Folder of the bundled geodata layers; the gazetteer is its only reader.
GEODATA_DIR: Path = PROJECT_ROOT / "geodata"

#: Bundled sample articles.
SEEDS_DIR: Path = PROJECT_ROOT / "seeds"

#: Web assets (Leaflet) fetched from npm by scripts/setup.sh for the offline map mode.
WEB_ASSETS_DIR: Path = PROJECT_ROOT / ".cache" / "web"

#: CRS of every bundled layer and of every export (RFC 7946 GeoJSON is lon/lat WGS 84).
CRS: str = "EPSG:4326"

#: Largest article accepted, in bytes; larger input gets a clear message, not a hang.
MAX_ARTICLE_BYTES: int = 10 * 1024 * 1024

#: GeoNames attribution the app must show (CC BY 4.0).
GEONAMES_ATTRIBUTION: str = "Cities: GeoNames (geonames.org), CC BY 4.0"

#: Corpus stores built by ``python -m dashboard batch`` and by the dashboard's corpus view.
STORES_DIR: Path = PROJECT_ROOT / ".cache" / "stores"

#: The Reuters-21578 archive as scripts/fetch_reuters.sh unpacks it (research use only: never committed).
REUTERS_DIR: Path = PROJECT_ROOT / ".cache" / "reuters" / "package" / "data" / "full"

#: The store the corpus view opens first: ``$NEWS_GEO_CORPUS_STORE`` if set (tests point it at a small
#: store), else the Reuters-21578 store.
CORPUS_STORE: Path = Path(os.environ.get("NEWS_GEO_CORPUS_STORE") or STORES_DIR / "reuters")
