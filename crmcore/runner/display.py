"""What a report reader sees: tables with readable numbers and headers, and sentences — all escaped.

``show(frame, lang)`` formats a table for a notebook or report: thousands separators, money with 2
decimals, shares as percentages, ratios with 2–3 decimals, never scientific notation; headers (and the
demo data's values) in the report's language; every cell, header and index label HTML-escaped, so a
customer named ``<script>`` is shown, not run. ``say(sentences)`` shows generated sentences as an
escaped bullet list (never ``Markdown(...)``, which would render user text as HTML).
"""
from __future__ import annotations

import html
import math
import re
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from crmcore.labels import check_lang, translate_frame

#: column-name fragments that mark a share (shown as a percentage) or money (2 decimals)
SHARE_WORDS = ("share", "rate", "pct", "percent", "ratio_pct", "achievement", "growth", "占比", "率")
MONEY_WORDS = ("revenue", "monetary", "amount", "spend", "sales", "value", "price", "profit", "cost", "target",
               "actual", "forecast", "budget", "clv", "销售额", "金额")


def _kind(name: str) -> str:
    low = str(name).lower()
    if any(w in low for w in SHARE_WORDS):
        return "pct"
    if any(w in low for w in MONEY_WORDS):
        return "money"
    return "num"


def fmt(x, kind: str = "num", decimals: int | None = None) -> str:
    """One number as a reader expects it: ``1,234,567``, ``1,234.50``, ``12.3%``, ``0.169``; never ``1e+06``."""
    if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA or x is pd.NaT:
        return ""
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return f"{int(x):,}"
    if isinstance(x, (float, np.floating)):
        x = float(x)
        if kind == "pct":
            return f"{x:,.{1 if decimals is None else decimals}%}"
        if kind == "money":
            return f"{x:,.{2 if decimals is None else decimals}f}"
        if decimals is not None:
            return f"{x:,.{decimals}f}"
        if x == int(x) and abs(x) < 1e15:
            return f"{int(x):,}"
        a = abs(x)
        d = 2 if a >= 100 else 3 if a >= 0.01 else 4
        return f"{x:,.{d}f}"
    if isinstance(x, pd.Timestamp):
        return x.strftime("%Y-%m-%d") if x == x.normalize() else x.strftime("%Y-%m-%d %H:%M")
    return str(x)


class Table:
    """A formatted, escaped table; renders as HTML in notebooks and reports and as text in a console."""

    def __init__(self, frame: pd.DataFrame, caption: str = "", numeric: Iterable[int] = ()):
        self.frame = frame
        self.caption = caption
        self.numeric = frozenset(numeric)  # positions of number columns: right-aligned in the report

    def _repr_html_(self) -> str:
        cap = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        body = self.frame.to_html(escape=True, index=self._show_index(), border=0, classes="crm-table",
                                  na_rep="")
        if self.numeric:
            body = re.sub(r"<tr>.*?</tr>", self._mark_numbers, body, flags=re.S)
        if not cap:
            return body
        # pandas writes '<table border="0" class=...>' or '<table class=...>' depending on its version
        return re.sub(r"<table\b[^>]*>", lambda m: m.group(0) + cap, body, count=1)

    def _mark_numbers(self, row: re.Match) -> str:
        k = -1

        def td(m: re.Match) -> str:
            nonlocal k
            k += 1
            return '<td class="num">' if k in self.numeric else m.group(0)

        return re.sub(r"<td>", td, row.group(0))

    def _show_index(self) -> bool:
        idx = self.frame.index
        return not (isinstance(idx, pd.RangeIndex) and idx.name is None)

    def __repr__(self) -> str:
        return (self.caption + "\n" if self.caption else "") + self.frame.to_string(index=self._show_index())


def show(frame: pd.DataFrame | pd.Series, lang: str = "en", *, columns: Mapping[str, Mapping[str, str]] | None = None,
         money: Iterable[str] = (), pct: Iterable[str] = (), num: Iterable[str] = (),
         decimals: Mapping[str, int] | None = None, caption: str = "", max_rows: int | None = 50,
         translate: bool = True) -> Table:
    """``frame`` formatted for a reader in ``lang`` (see the module docstring).

    The kind of each float column is guessed from its name (share/rate → %, revenue/amount → money) unless
    named in ``money``, ``pct`` or ``num``; ``decimals`` fixes a column's decimals; ``columns`` gives
    headers (``{name: {"en": ..., "zh": ...}}``) before :data:`crmcore.labels.COLUMNS`.
    """
    check_lang(lang)
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    if max_rows is not None and len(frame) > max_rows:
        frame = frame.head(max_rows)
    money, pct, num, decimals = set(money), set(pct), set(num), dict(decimals or {})
    out = pd.DataFrame(index=frame.index)
    numeric = []
    for pos, c in enumerate(frame.columns):
        kind = "money" if c in money else "pct" if c in pct else "num" if c in num else _kind(c)
        col = frame[c]
        if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            out[c] = [fmt(v, kind, decimals.get(c)) for v in col.tolist()]
            numeric.append(pos)
        elif pd.api.types.is_datetime64_any_dtype(col):
            out[c] = [fmt(v) for v in col]
        else:
            out[c] = col.map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else v)
    if not isinstance(out.index, pd.RangeIndex):
        out.index = [fmt(v) if not isinstance(v, tuple) else " / ".join(map(fmt, v)) for v in frame.index]
        out.index.name = frame.index.name if not isinstance(frame.index, pd.MultiIndex) else \
            " / ".join(str(n) for n in frame.index.names if n)
    if translate:
        out = translate_frame(out, lang, columns=columns)
    return Table(out, caption, numeric)


_BOLD = re.compile(r"\*\*(.+?)\*\*")


def say(sentences: str | Iterable[str], *, title: str = "") -> "Sentences":
    """Generated sentences as an escaped bullet list (``**bold**`` is the only markup kept)."""
    if isinstance(sentences, str):
        sentences = [sentences]
    return Sentences([s for s in sentences if s], title)


class Sentences:
    def __init__(self, items: list[str], title: str = ""):
        self.items = items
        self.title = title

    def _repr_html_(self) -> str:
        head = f"<p><strong>{html.escape(self.title)}</strong></p>" if self.title else ""
        bold = r"<strong>\1</strong>"
        lis = "".join(f"<li>{_BOLD.sub(bold, html.escape(s))}</li>" for s in self.items)
        return f'{head}<ul class="crm-findings">{lis}</ul>'

    def __repr__(self) -> str:
        return "\n".join(([self.title] if self.title else []) + [f"- {s}" for s in self.items])
