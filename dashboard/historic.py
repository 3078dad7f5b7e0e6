"""Places as they were on a date: historic states, dated (former) names, and the name of the day; pure.

The gazetteer's validity table (built from ``geodata/src/historic_states.csv`` and ``former_names.csv``) dates
two things: a historic state's life (the USSR 1922-12-30..1991-12-26) and a name's years ("Burma" for
Myanmar until 1989-06-17, "Yugoslavia" for the Federal Republic 1992-04-27..2003-02-03).

Resolution rule (:func:`candidates_on`): among the readings of one name that are dated, those valid on the
article's date win over those that are not; when none is valid (a 2022 article on "the Soviet Union", "the
former Zaire"), every reading stays and the usual ranking decides. Undated readings are never dropped.
So "Yugoslavia" is the SFRY in 1987, the Federal Republic in 1995 and the SFRY again in a 2022 history piece;
"Federal Republic of Germany" is West Germany in 1987 and Germany in 2022. Historic states are their own kind,
``historic_state`` (never typed as a today's country): "Soviet Union" in 2022 is the USSR, drawn as such.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

#: The kind of a historic state's features and mentions.
KIND = "historic_state"

#: Demonyms of historic states (typed ``demonym``); "Soviet" also covers "Soviet-era", "Soviet troops".
DEMONYMS: dict[str, str] = {
    "Soviet": "historic_state:ussr",
    "Soviets": "historic_state:ussr",
    "West German": "historic_state:west_germany",
    "West Germans": "historic_state:west_germany",
    "East German": "historic_state:east_germany",
    "East Germans": "historic_state:east_germany",
    "Yugoslav": "historic_state:yugoslavia",
    "Yugoslavs": "historic_state:yugoslavia",
    "Yugoslavian": "historic_state:yugoslavia",
    "Czechoslovak": "historic_state:czechoslovakia",
    "Czechoslovaks": "historic_state:czechoslovakia",
    "Czechoslovakian": "historic_state:czechoslovakia",
    "German": "historic_state:west_germany",  # before reunification; see DATED_DEMONYMS
    "Germans": "historic_state:west_germany",
}

#: Demonyms of today's countries that name them only from a date on (before it, the historic state's
#: demonym of the same word holds: "German bankers" in 1987 are West German).
DATED_DEMONYMS: dict[tuple[str, str], tuple[date | None, date | None]] = {
    ("country:DEU", "german"): (date(1990, 10, 3), None),
    ("country:DEU", "germans"): (date(1990, 10, 3), None),
}

Period = tuple[date | None, date | None]


@dataclass(frozen=True)
class Dates:
    """The validity table as look-ups: a (place, name)'s years, a place's life, its dated labels."""

    names: dict[tuple[str, str], Period]  # (place id, casefolded name) -> period
    lives: dict[str, Period]  # place id -> its life (historic states)
    labels: dict[str, list[tuple[str, Period]]]  # place id -> names shown on their dates, in file order

    @property
    def places(self) -> frozenset[str]:
        return frozenset(self.lives) | {pid for pid, _n in self.names}


def as_date(on: Any) -> date | None:
    """``on`` as a plain date: a date, a datetime or pandas Timestamp (its day), or an ISO string
    ("1987-02-26", "1987-02-26T15:14:36"); None stays None.

    Raises
    ------
    ValueError
        If ``on`` is none of these.
    """
    if on is None or type(on) is date:
        return on
    if isinstance(on, datetime):  # also pandas.Timestamp: compare days, never a datetime with a date
        return on.date()
    if isinstance(on, date):
        return date(on.year, on.month, on.day)
    if isinstance(on, str):
        try:
            return date.fromisoformat(on.strip()[:10])
        except ValueError:
            pass
    msg = f"not a date (use YYYY-MM-DD): {on!r}"
    raise ValueError(msg)


def _within(period: Period, day: date) -> bool:
    lo, hi = period
    return (lo is None or lo <= day) and (hi is None or day <= hi)


@functools.cache
def dates() -> Dates:
    """The bundled validity table (geodata/validity.csv, what ``Gazetteer.validity()`` gives) as
    :class:`Dates`, read once with the csv module: the lean CLI never imports pandas or geopandas for it."""
    import csv

    from dashboard import settings

    path = settings.GEODATA_DIR / "validity.csv"
    cols: dict[str, list] = {"place_id": [], "name": [], "valid_from": [], "valid_to": [], "label": []}
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                for key, values in cols.items():
                    value = row.get(key) or ""
                    values.append(date.fromisoformat(value) if key.startswith("valid") and value else value)
    except FileNotFoundError:  # a gazetteer built before historic states: nothing is dated
        pass
    for key in ("valid_from", "valid_to"):
        cols[key] = [v or None for v in cols[key]]
    got = dates_from(cols)
    got.names.update(DATED_DEMONYMS)
    return got


def dates_from(table: Any) -> Dates:
    """:class:`Dates` from a validity table (columns place_id, name, valid_from, valid_to, label)."""
    names: dict[tuple[str, str], Period] = {}
    lives: dict[str, Period] = {}
    labels: dict[str, list[tuple[str, Period]]] = {}
    label = table["label"] if "label" in table else [""] * len(table["place_id"])
    for pid, name, lo, hi, lab in zip(
        table["place_id"], table["name"], table["valid_from"], table["valid_to"], label, strict=True
    ):
        period = (lo, hi)
        if name:
            names[(pid, name.casefold())] = period
            if lab == "yes":
                labels.setdefault(pid, []).append((name, period))
        else:
            lives[pid] = period
    return Dates(names, lives, labels)


@functools.cache
def dated_places() -> frozenset[str]:
    """The ids of every place with a dated name or life (read once)."""
    return dates().places


def period_of(place_id: str, name: str, table: Dates | None = None) -> Period | None:
    """The years of ``name`` for ``place_id`` (its own dates, else the place's life), or None if undated."""
    d = table or dates()
    got = d.names.get((place_id, name.casefold()))
    return got if got is not None else d.lives.get(place_id)


def candidates_on(cands: Sequence[Any], day: date, table: Dates | None = None) -> list[Any]:
    """The readings of one name left on ``day`` (see the module docstring); ``cands`` need
    ``place_id`` and ``name``. Returns ``cands`` itself when nothing changes."""
    periods = [period_of(c.place_id, c.name, table) for c in cands]
    dated = [p for p in periods if p is not None]
    if not dated or not any(_within(p, day) for p in dated):
        return list(cands) if not isinstance(cands, list) else cands
    return [c for c, p in zip(cands, periods, strict=True) if p is None or _within(p, day)]


def name_on(place_id: str, day: date | None, table: Dates | None = None) -> str | None:
    """The place's name of that day when it is a dated one ("Burma" in 1987, "European Communities" in
    1990), else None (the usual name holds)."""
    d = table or dates()
    day = as_date(day) or date.today()
    for name, period in d.labels.get(place_id, ()):
        if _within(period, day):
            return name
    return None


def years(place_id: str, table: Dates | None = None) -> str | None:
    """A historic state's years for labels ("1949–1990"), else None."""
    life = (table or dates()).lives.get(place_id)
    if life is None:
        return None
    lo, hi = life
    return f"{lo.year if lo else '…'}–{hi.year if hi else ''}"


def alliance_day_from(spans: list[tuple[date, date | None]], day: date) -> date:
    """The day whose membership an alliance is drawn with, from its (joined, left) rows: ``day``, or for an
    alliance that did not exist then (the Warsaw Pact in a 2022 history piece) its last day (or its first,
    before it began)."""
    if any(j <= day and (left is None or day <= left) for j, left in spans):
        return day
    ends = [left for _j, left in spans if left is not None and left < day]
    if ends and len(ends) == len(spans):
        return max(ends)
    starts = [j for j, _left in spans if j > day]
    return min(starts) if starts else day


def alliance_day(gaz: Any, alliance_id: str, day: date) -> date:
    """:func:`alliance_day_from` with the gazetteer's membership table."""
    rows = gaz.alliances()
    rows = rows[rows["alliance"] == alliance_id]
    return alliance_day_from(list(zip(rows["joined"], rows["left"], strict=True)), day)


def on_date(mentions: list[Any], on: date | None) -> list[Any]:
    """Mentions named as on ``on`` (``Mention.name`` "Burma" in 1987); others returned unchanged."""
    import dataclasses

    dated = dated_places()
    out = []
    for m in mentions:
        if m.place_id in dated:
            label = name_on(m.place_id, on)
            if label and label != m.name:
                m = dataclasses.replace(m, name=label)
        out.append(m)
    return out
