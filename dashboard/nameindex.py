"""The geoparser's names index: every matchable name grouped by its normalised key, as flat arrays.

Built once from the gazetteer's names table and saved to ``.cache/nameindex/<hash>/`` (the hash covers the
names file and this module's format), then memory-mapped by every process that parses: a cold CLI reads a
few arrays instead of parsing 175,000 names, and processes on one machine (Dask workers, the dashboard)
share the same pages. When the cache cannot be written or read, the index is built in memory as before.
Pure: no streamlit, folium or geopandas at load time.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from dashboard import settings

if TYPE_CHECKING:
    import pandas as pd

#: Longest name, in tokens, kept in the index.
MAX_TOKENS = 6

#: Bump when the saved layout or the key normalisation changes (old caches are then ignored).
FORMAT_VERSION = 1

#: Where saved indexes live (gitignored; one folder per names-file hash).
CACHE_DIR: Path = settings.PROJECT_ROOT / ".cache" / "nameindex"

#: Environment variable that, when set to "0", disables reading and writing the saved index.
CACHE_ENV = "DASHBOARD_NAMEINDEX_CACHE"

_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# One compiled tokenizer: dotted abbreviations ("U.S.", "W.Va.") or runs of word characters.
TOKEN = re.compile(r"(?:[^\W\d_]{1,3}\.){2,}|\w+")
# The same, capturing, for re.split: [gap, token, gap, token, ..., gap] at C speed.
_TOKEN_SPLIT = re.compile(f"({TOKEN.pattern})")
# Arrays saved per name row (all the same length) and per key / per place.
_ROW_ARRAYS: tuple[str, ...] = (
    "order",
    "pid_code",
    "kind_code",
    "country_code",
    "province_code",
    "pop",
    "primary",
    "upper",
)
_ROW_ARRAYS += ("capital",)
_OTHER_ARRAYS = ("starts", "pid_row", "name_off", "lat", "lon")
_STRING_LISTS = ("keys", "pids", "kinds", "countries", "provinces", "lower_ok", "prefixes")
_NONE = "\x00"  # how None is written in a saved string list


def norm_token(token: str) -> str:
    """Case-, accent- and dot-insensitive form of one token (keep in step with :func:`name_keys`)."""
    t = token.replace(".", "").casefold()
    if not t.isascii():
        t = _COMBINING.sub("", unicodedata.normalize("NFKD", t))
    return t


def tokens_and_words(text: str) -> tuple[list[tuple[int, int, str]], list[str]]:
    """(start, end, token) of every token of ``text`` -- the same as ``TOKEN.finditer`` but built in C --
    and the tokens alone.

    re.split gives the gaps and tokens as strings; their running lengths are the offsets.
    """
    parts = _TOKEN_SPLIT.split(text)
    if len(parts) < 3:
        return [], []
    ends = list(accumulate(map(len, parts)))
    words = parts[1::2]
    # parts[2k+1] is a token; it starts where parts[2k] ends and ends at ends[2k+1].
    return list(zip(ends[0:-1:2], ends[1::2], words, strict=True)), words


def name_keys(names: pd.Series) -> Any:
    """The index key of every name (normalised tokens joined by spaces, a leading "the" dropped), as a
    pyarrow string array built in Arrow's C++ kernels."""
    import pyarrow.compute as pc

    a = _arrow_strings(names)
    a = pc.replace_substring(a, ".", "")
    # casefold() = lower() + "ß" -> "ss" for every name in the gazetteer (checked on all 175,000).
    a = pc.replace_substring(pc.utf8_lower(a), "\u00df", "ss")
    a = pc.utf8_normalize(a, form="NFKD")
    a = pc.replace_substring_regex(a, _COMBINING.pattern, "")
    a = pc.replace_substring_regex(a, r"[^\pL\pN\pM_]+", " ")  # RE2's \w is ASCII-only
    a = pc.utf8_trim_whitespace(a)
    a = pc.replace_substring_regex(a, r"^the (\S)", r"\1")
    return a


class StringTable:
    """Strings (or byte strings) stored as one blob plus offsets; each is decoded when asked for."""

    def __init__(self, blob: Any, offsets: np.ndarray) -> None:
        self._blob = blob
        self._off = offsets

    def __len__(self) -> int:
        return len(self._off) - 1

    def __getitem__(self, i: int) -> str:
        return self.raw(i).decode("utf-8")

    def raw(self, i: int) -> bytes:
        """The ``i``-th entry's bytes."""
        return bytes(self._blob[int(self._off[i]) : int(self._off[i + 1])])


@dataclass
class NameIndex:
    """Names grouped by key: the rows of key code ``k`` are ``order[starts[k]:starts[k + 1]]``.

    Per row: place (``pid_code`` into ``pids``), kind, country, province (codes into their tables),
    population, primary name, all-caps abbreviation (``upper``), national capital. Per place: its
    primary row (``pid_row``) and point (``lat``/``lon``, NaN unless a city). ``lower_ok``: keys whose
    names have lowercase words of their own ("Baltic republics"); ``prefixes``: proper prefixes of
    multi-word keys.
    """

    keys: list[str]
    starts: np.ndarray
    order: np.ndarray
    pid_code: np.ndarray
    kind_code: np.ndarray
    country_code: np.ndarray
    province_code: np.ndarray
    pop: np.ndarray
    primary: np.ndarray
    upper: np.ndarray
    capital: np.ndarray
    names: StringTable
    pids: list[str]
    kinds: list[str | None]  # the last entry is None (no kind), as in every code table
    countries: list[str | None]
    provinces: list[str | None]
    lower_ok: list[str]
    prefixes: list[str]
    pid_row: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    source: str = "memory"  # "memory" (built in this process) or the folder it was mapped from

    def __len__(self) -> int:
        return len(self.pid_code)

    # -- building --------------------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        names: pd.DataFrame,
        province: dict[str, str] | None = None,
        capital: set[str] | None = None,
        coords: dict[str, tuple[float, float]] | None = None,
    ) -> NameIndex:
        """Index a names table (columns ``place_id, name, kind, country, population, primary``; optional
        ``province``, ``capital``, ``iso_a2``, ``admin1``). ``province``/``capital`` replace the columns;
        ``coords`` (city id -> (lat, lon)) fills the points."""
        import pandas as pd
        import pyarrow.compute as pc

        wanted = ["place_id", "name", "kind", "country", "population", "primary", "province", "capital"]
        wanted += ["iso_a2", "admin1"]
        df = names[[c for c in wanted if c in names.columns]]
        df = df[df["name"].notna().to_numpy()] if len(df) else df
        cols = set(df.columns)
        keys = name_keys(df["name"] if len(df) else pd.Series([], dtype=object))
        ok_arr = pc.and_(pc.not_equal(keys, ""), pc.less(pc.count_substring(keys, " "), MAX_TOKENS))
        ok = ok_arr.to_numpy(zero_copy_only=False).astype(bool)
        df, keys = df[ok].reset_index(drop=True), keys.filter(ok_arr)
        n = len(df)

        kind = df["kind"].astype(str).to_numpy() if n else np.array([], dtype=str)
        pop = np.nan_to_num(
            pd.to_numeric(df["population"], errors="coerce").astype("float64").to_numpy()
            if "population" in cols
            else np.zeros(n),
            nan=0.0,
        ).astype(np.int64)
        primary = df["primary"].astype(bool).to_numpy() if "primary" in cols else np.ones(n, bool)
        stripped = df["name"].astype(str).str.replace(".", "", regex=False)
        upper = (
            (stripped.str.isupper() & (stripped.str.len() <= 5)).to_numpy(bool) if n else np.zeros(0, bool)
        )
        kind_code, kinds = _factor(kind)
        country_code, countries = _factor(df["country"].to_numpy(object) if "country" in cols else [None] * n)
        pid_code, pids = _factor(df["place_id"].to_numpy(object) if n else [])
        pids = pids[:-1]  # place ids are never missing: drop factor's trailing None
        if province is not None:
            pv = [province.get(p) for p in pids]
            province_code, provinces = _factor(np.array(pv, dtype=object)[pid_code] if n else [])
            cap_pid = np.array([p in (capital or ()) for p in pids], bool)
            cap = cap_pid[pid_code] if n else np.zeros(0, bool)
        else:
            prov = df["province"] if "province" in cols else pd.Series([None] * n, dtype=object)
            if {"iso_a2", "admin1"} <= cols and n:
                # A US town's state is its GeoNames admin-1 code (the ISO 3166-2 suffix); the spatial
                # province column misplaces ~30 border towns (Columbus, Ga. in Alabama, El Paso in Mexico).
                state = "province:US-" + df["admin1"].astype(str)
                city = kind == "city"
                us = (df["iso_a2"] == "US").fillna(False).to_numpy(bool) & (city | (kind == "county"))
                us &= state.isin(set(df["place_id"][kind == "province"])).to_numpy(bool)
                prov = prov.where(~us, state)
            province_code, provinces = _factor(prov.to_numpy(object))
            c = df["capital"].astype(str).isin(["True", "true", "1"]) if "capital" in cols else None
            cap = c.to_numpy(bool) if c is not None else np.zeros(n, bool)
        name_list = df["name"].astype(str).tolist()
        # key -> rows, by dictionary encoding + stable sort (rows keep names.csv order within a key).
        enc = keys.dictionary_encode()  # codes in order of first appearance, like pandas.factorize
        codes = enc.indices.to_numpy(zero_copy_only=False)
        ukeys = enc.dictionary.to_pylist()
        order = np.argsort(codes, kind="stable").astype(np.int32)
        starts = np.searchsorted(codes[order], np.arange(len(ukeys) + 1)).astype(np.int64)
        # (RE2: a space, then a letter other than A-Z; the same rows as Python's r"\s[^\W\d_A-Z]".)
        lower = pc.match_substring_regex(_arrow_strings(df["name"]), r"\s[^\P{L}A-Z]") if n else None
        lower_ok = sorted(set(keys.filter(lower).to_pylist())) if n else []
        # place id -> its row (the primary name's row when it has one; else its first).
        rows = np.arange(n)
        by = np.lexsort((rows, ~primary, pid_code)) if n else rows
        first = np.ones(len(by), bool)
        first[1:] = pid_code[by][1:] != pid_code[by][:-1]
        pid_row = np.zeros(len(pids), np.int32)
        pid_row[pid_code[by][first]] = by[first]
        lat = np.full(len(pids), np.nan)
        lon = np.full(len(pids), np.nan)
        if coords:
            where = {p: i for i, p in enumerate(pids)}
            for p, (y, x) in coords.items():
                i = where.get(p)
                if i is not None:
                    lat[i], lon[i] = y, x
        return cls(
            keys=ukeys,
            starts=starts,
            order=order,
            pid_code=pid_code,
            kind_code=kind_code.astype(np.int8 if len(kinds) < 128 else np.int32),
            country_code=country_code,
            province_code=province_code,
            pop=pop,
            primary=primary.astype(bool),
            upper=upper,
            capital=cap,
            names=_string_table(name_list),
            pids=pids,
            kinds=kinds,
            countries=countries,
            provinces=provinces,
            lower_ok=lower_ok,
            prefixes=prefixes_of(ukeys),
            pid_row=pid_row,
            lat=lat,
            lon=lon,
        )

    # -- saving and mapping ----------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Write the index to ``folder`` atomically (a temporary sibling renamed into place)."""
        folder = Path(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=folder.parent))
        try:
            for name in _ROW_ARRAYS + _OTHER_ARRAYS:
                arr = self.names._off if name == "name_off" else getattr(self, name)
                np.save(tmp / f"{name}.npy", np.ascontiguousarray(arr), allow_pickle=False)
            (tmp / "names.bin").write_bytes(bytes(self.names._blob))
            for name in _STRING_LISTS:
                values = getattr(self, name)
                (tmp / f"{name}.txt").write_text(
                    "\n".join(_NONE if v is None else v for v in values), encoding="utf-8"
                )
            (tmp / "complete").write_text(str(FORMAT_VERSION))
            try:
                tmp.rename(folder)
            except OSError:  # another process saved it first: theirs is the same index
                shutil.rmtree(tmp, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    @classmethod
    def load(cls, folder: Path) -> NameIndex:
        """Map a saved index (arrays memory-mapped read-only; string tables read). Raises OSError or
        ValueError when the folder is missing, incomplete or corrupt."""
        folder = Path(folder)
        if not (folder / "complete").is_file():
            msg = f"{folder}: no complete name index"
            raise FileNotFoundError(msg)
        # Plain ndarray views of the maps: numpy.memmap's own __getitem__ is slow for scalar look-ups.
        arrays = {
            n: np.load(folder / f"{n}.npy", mmap_mode="r", allow_pickle=False).view(np.ndarray)
            for n in _ROW_ARRAYS + _OTHER_ARRAYS
        }
        lists: dict[str, Any] = {}  # string lists, typed per field by the dataclass
        for n in _STRING_LISTS:
            raw = (folder / f"{n}.txt").read_text(encoding="utf-8")
            vals = raw.split("\n") if raw else []
            lists[n] = [None if v == _NONE else v for v in vals] if n in ("countries", "provinces") else vals
        size = os.path.getsize(folder / "names.bin")
        blob = np.memmap(folder / "names.bin", dtype=np.uint8, mode="r").view(np.ndarray) if size else b""
        names = StringTable(blob, arrays.pop("name_off"))
        rows = {len(arrays[n]) for n in _ROW_ARRAYS}
        if len(rows) != 1 or len(arrays["starts"]) != len(lists["keys"]) + 1 or len(names) != rows.pop():
            msg = f"{folder}: inconsistent name index"
            raise ValueError(msg)
        if len(arrays["pid_row"]) != len(lists["pids"]):
            msg = f"{folder}: inconsistent name index"
            raise ValueError(msg)
        return cls(names=names, source=str(folder), **arrays, **lists)

    @functools.cached_property
    def pid_index(self) -> dict[str, int]:
        """Place id -> its code (position in ``pids``)."""
        return dict(zip(self.pids, range(len(self.pids)), strict=True))

    def points(self) -> Points:
        """City id -> (lat, lon), read from the (mapped) arrays on each look-up."""
        return Points(self)


#: Places whose point (or its absence) :class:`Points` remembers before that memo is cleared.
POINTS_MEMO_MAX = 50_000

# What the memo of points gives for a place not looked up yet (None: a place without a point).
_NOT_READ = (math.nan, math.nan)


class Points(Mapping):
    """A read-only mapping place id -> (lat, lon) over a :class:`NameIndex` (places without a point are
    absent); no dict of 140,000 cities is built, only a memo of the places looked up (the resolver asks
    for the same few cities in article after article: a dict look-up, not two reads of the mapped arrays)."""

    def __init__(self, index: NameIndex) -> None:
        self._index = index
        self._where = index.pid_index
        self._n: int | None = None
        self._memo: dict[str, tuple[float, float] | None] = {}

    def __getitem__(self, pid: str) -> tuple[float, float]:
        got = self._memo.get(pid, _NOT_READ)
        if got is _NOT_READ:
            got = self._read(pid)
        if got is None:
            raise KeyError(pid)
        return got

    def __contains__(self, pid: object) -> bool:
        return self.get(pid) is not None  # type: ignore[arg-type]

    def get(self, pid: str, default: Any = None) -> Any:
        """The place's point, or ``default`` (no exception raised and caught, as Mapping.get would)."""
        got = self._memo.get(pid, _NOT_READ)
        if got is _NOT_READ:
            got = self._read(pid)
        return default if got is None else got

    def _read(self, pid: str) -> tuple[float, float] | None:
        """A place's point from the arrays (None: unknown or without one), remembered."""
        i = self._where.get(pid)
        got = None
        if i is not None:
            lat = float(self._index.lat[i])
            if lat == lat:  # not NaN
                got = (lat, float(self._index.lon[i]))
        if len(self._memo) >= POINTS_MEMO_MAX:
            self._memo.clear()
        self._memo[pid] = got
        return got

    def __iter__(self) -> Iterator[str]:
        for i in np.flatnonzero(~np.isnan(self._index.lat)).tolist():
            yield self._index.pids[i]

    def __len__(self) -> int:
        if self._n is None:
            self._n = int(np.count_nonzero(~np.isnan(self._index.lat)))
        return self._n


def prefixes_of(keys: list[str]) -> list[str]:
    """Every proper prefix (whole tokens) of the multi-word keys."""
    out: set[str] = set()
    for k in keys:
        if " " in k:
            parts = k.split(" ")
            for m in range(1, len(parts)):
                out.add(" ".join(parts[:m]))
    return sorted(out)


def names_hash(path: Path, *extra: Path) -> str:
    """Hash of a names file, the other files the index is built from (``extra``, when present) and this
    module's code: the folder name of its saved index."""
    h = hashlib.sha256(f"nameindex-v{FORMAT_VERSION}\n".encode())
    h.update(Path(__file__).read_bytes())
    for p in (path, *extra):
        if p is not path and not p.is_file():
            continue
        with open(p, "rb") as f:
            for chunk in iter(functools.partial(f.read, 1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()[:24]


def cache_enabled() -> bool:
    """False when ``DASHBOARD_NAMEINDEX_CACHE=0`` (always build in memory)."""
    return os.environ.get(CACHE_ENV, "1") != "0"


def cached_folder(names_path: Path, cache_dir: Path | None = None, extra: tuple[Path, ...] = ()) -> Path:
    """Where the index of ``names_path`` (and ``extra`` source files) is saved."""
    return (cache_dir or CACHE_DIR) / names_hash(names_path, *extra)


def load_or_build(
    names_path: Path,
    build: Any,
    cache_dir: Path | None = None,
    extra: tuple[Path, ...] = (),
) -> NameIndex:
    """The saved index of ``names_path`` if there is a valid one; else ``build()`` (a NameIndex), saved for
    the next process when the cache folder is writable. Any cache problem falls back to ``build()``."""
    if not cache_enabled():
        return build()
    try:
        folder = cached_folder(names_path, cache_dir, extra)
    except OSError:
        return build()
    try:
        return NameIndex.load(folder)
    except (OSError, ValueError):
        pass
    index = build()
    try:
        if folder.exists():  # a broken leftover: replace it
            shutil.rmtree(folder, ignore_errors=True)
        index.save(folder)
    except OSError:
        pass  # read-only checkout or full disk: the in-memory index still works
    return index


def _string_table(values: list[str]) -> StringTable:
    encoded = [v.encode("utf-8") for v in values]
    off = np.zeros(len(encoded) + 1, np.int64)
    if encoded:
        np.cumsum([len(b) for b in encoded], out=off[1:])
    return StringTable(b"".join(encoded), off)


def _factor(values: Any) -> tuple[np.ndarray, list]:
    """Integer codes (int32) and distinct values of a column; missing or empty values share the code of
    ``None`` (the last entry), so every distinct string is held once."""
    import pandas as pd

    codes, uniques = pd.factorize(pd.Series(values, dtype=object).replace("", None), use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.int32)
    out = [u if isinstance(u, str) else None for u in np.asarray(uniques, dtype=object).tolist()]
    codes[codes < 0] = len(out)
    return codes, [*out, None]


def _arrow_strings(s: pd.Series) -> Any:
    """A column as one pyarrow string array (a few bytes per name, no Python object per row)."""
    import pyarrow as pa

    arr = s.array
    data = getattr(arr, "_pa_array", None)
    if data is not None:
        return pa.concat_arrays(data.chunks) if data.num_chunks != 1 else data.chunk(0)
    return pa.array(s.astype(str).to_numpy(dtype=object), type=pa.string())
