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

#: Results the server's warm-up saves for the bundled sample (parse, claims, map layers), so a restarted
#: server does not compute them again (``dashboard.appcache.ResultFiles``; one folder per code and geodata
#: version). ``$NEWS_GEO_RESULTS_DIR`` moves it (the bench times a first start on an empty folder).
RESULTS_DIR: Path = Path(os.environ.get("NEWS_GEO_RESULTS_DIR") or PROJECT_ROOT / ".cache" / "results")

#: Corpus stores built by ``python -m dashboard batch`` and by the dashboard's corpus view.
STORES_DIR: Path = PROJECT_ROOT / ".cache" / "stores"

#: The Reuters-21578 archive as scripts/fetch_reuters.sh unpacks it (research use only: never committed).
REUTERS_DIR: Path = PROJECT_ROOT / ".cache" / "reuters" / "package" / "data" / "full"

#: The store the corpus view opens first: ``$NEWS_GEO_CORPUS_STORE`` if set (tests point it at a small
#: store), else the Reuters-21578 store.
CORPUS_STORE: Path = Path(os.environ.get("NEWS_GEO_CORPUS_STORE") or STORES_DIR / "reuters")

#: Byte budgets of the dashboard server's caches (``dashboard.sizedcache.SizedCache``, one per name,
#: shared by every session of the process; the least recently used values go first). Sizes are estimates
#: of the memory a value holds (``sizedcache.deep_size``). 148 MB in all: with the gazetteer, the
#: memory-mapped names index and Streamlit itself, the server stays well under 1 GB however many articles
#: its sessions read (the corpus view's ``st.cache_data`` entries have their own bound,
#: ``server.maxCacheDataSize`` in .streamlit/config.toml: 64 MB). A value over a quarter of its budget is
#: computed every time and not kept. For scale: the sample's parse (mentions and places frame) is about
#: 0.5 MB and its largest layer 0.1 MB; a Reuters article's parse 0.05-0.5 MB.
CACHE_BUDGETS: dict[str, int] = {
    # geoparse + display places frame, per (text, date)
    "parse": 48 * 2**20,
    # the same after the reader's corrections, per (text, date, corrections)
    "corrected": 16 * 2**20,
    # checked claims as dicts, per (text, date, corrections)
    "claims": 8 * 2**20,
    # metric panel figures, per (text, filters)
    "summary": 2 * 2**20,
    # language check, per text
    "language": 2 * 2**20,
    # one map layer's styled GeoJSON (geometry, tooltips, popups), per layer content
    "layer": 48 * 2**20,
    # the map component's arguments (basemap, script, every layer's GeoJSON as script), per map content
    "map": 16 * 2**20,
    # download files (GeoJSON, CSV), built on click, per content
    "export": 24 * 2**20,
}
