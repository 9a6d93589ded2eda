"""5W2H (七问分析法) answered from transactions: what, who, when, where, how much, how, why.

The question bank is the one taught for customer purchase behaviour (顾客购买行为分析) in the Chinese
data-management teaching (数据化管理):

* What 买什么 — which categories and products; the needs, the core need, the key purchase factors
* Who 谁买 — the buying roles: who wants it, gathers information, decides, buys, influences, uses
* When 何时买 — when bought, when used, when bought again, how long it lasts
* Where 在哪买 — channel, place, regional traits
* How much 买多少 — quantity, frequency, price (the F and M of RFM)
* How 如何买 — the way and process of buying (channel, payment)
* Why 为什么 — the reasons; transactions give evidence (promotion response, price sensitivity)

Each sub-question either names the canonical columns that answer it, or is marked
``survey`` (needs, roles, motives are not in a till roll: ask customers). A question's
**status** counts only its data sub-questions: *answerable* when all their columns are
present, *partly* when some are, *not answerable* when none are — so Online Retail, which has
no channel, payment, category or promotion flag, says so.

Aggregation runs in the engine (Ibis over DuckDB; :func:`crmcore.engine.execute`); only the small
aggregated tables come back to pandas. Conventions: only lines dated before ``asof`` count;
lines flagged ``is_return`` are left out (clean returns with :func:`crmcore.data.clean` first if
you want them netted); "new" customers made their first purchase inside the last
``window_days`` before ``asof``, "returning" customers bought before the window and again in it;
repurchase intervals are the days between a customer's distinct purchase days.

References: the 5W2H question list (5W1H of Kipling's "six honest serving-men", with How much
added) as taught for customer purchase analysis; Kotler & Keller, *Marketing Management*, ch. on
buying roles (initiator, influencer, decider, buyer, user); 人-货-场 (people–goods–place), the
retail analysis frame of Chinese e-commerce practice.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import ibis
import numpy as np
import pandas as pd

from crmcore import engine
from crmcore.errors import DataError, ParameterError
from crmcore.labels import WEEKDAYS, check_lang, text
from crmcore.results import NoPlotError, Result, deprecated
from crmcore.strategy import fivew2h_plots, fivew2h_text
from crmcore.strategy.fivew2h_answers import _Q, _how, _how_much, _what, _when, _where, _who, _why
from crmcore.strategy.fivew2h_plots import (PLOTS, plot_all, plot_how, plot_how_much, plot_what,  # noqa: F401
                                            plot_when, plot_where, plot_who, plot_why)
from crmcore.strategy.fivew2h_text import (ANSWERABLE, COLUMNS, ITEM_WORDS, KEYS, LABELS, NOT_ANSWERABLE,  # noqa: F401
                                           NOTES, PARTLY, PGP_LABELS, QUESTION_WORDS, QUESTIONS, RESULT_COLUMNS,
                                           TIME_OF_DAY, _BY_KEY, _COLUMN_ZH, Item, Question, _cols, _not_answerable,
                                           _v, actions, coverage, qlabel)

_REQUIRED = ("customer_id", "order_id", "order_date", "quantity", "amount")


#: the columns a report table shows, by table name
_TABLE_COLS = {
    "categories": ["category", "revenue", "revenue_share", "cumulative_share", "orders", "customers", "average_order_value"],
    "products": ["product_name", "category", "revenue", "revenue_share", "quantity", "orders", "customers"],
    "new_returning": ["group", "customers", "customer_share", "revenue", "revenue_share", "orders_per_customer",
                      "revenue_per_customer"],
    "value_tiers": ["tier", "customers", "revenue", "revenue_share", "orders_per_customer"],
    "repurchase_intervals": ["days", "intervals", "share"],
    "channel": ["channel", "revenue", "revenue_share", "orders", "customers", "average_order_value"],
    "region": ["region", "revenue", "revenue_share", "orders", "customers", "average_order_value"],
    "frequency": ["orders_per_customer", "customers", "share_of_customers", "revenue", "revenue_share"],
    "order_value_bands": ["order_value", "orders", "share_of_orders", "revenue", "revenue_share"],
    "price_bands": ["price_band", "lines", "share_of_lines", "revenue", "revenue_share"],
    "mix": ["channel", "payment", "orders", "share_of_orders", "revenue"],
    "promotion": ["promo", "lines", "share_of_lines", "revenue", "revenue_share", "units_per_line"],
    "price_sensitivity": ["relative_price", "lines", "share_of_lines", "units_per_line", "mean_rel_price"],
}


def questions(lang: str = "en") -> pd.DataFrame:
    """The question bank as a table: question, sub-question, the columns that answer it (or survey)."""
    check_lang(lang)
    rows = []
    for q in QUESTIONS:
        for it in q.items:
            rows.append({
                "question": q.key, "label": qlabel(q.key, lang), "item": it.key,
                "text": it.en if lang == "en" else it.zh,
                "source": text("data" if it.needs else "survey", lang, LABELS),
                "columns": ", ".join(it.needs) if it.needs else "",
            })
    return pd.DataFrame(rows)


def columns_present(tx: pd.DataFrame) -> list[str]:
    """Columns with at least one value, plus ``"time_of_day"`` when some order_date is not at midnight."""
    cols = [c for c in tx.columns if tx[c].notna().any()]
    if "order_date" in tx and pd.api.types.is_datetime64_any_dtype(tx["order_date"]):
        d = tx["order_date"]
        if ((d.dt.hour != 0) | (d.dt.minute != 0)).any():
            cols.append(TIME_OF_DAY)
    return cols


def status(columns, *, lang: str = "en") -> pd.DataFrame:
    """Status of each question given the columns present (include ``"time_of_day"`` if the dates carry times;
    pass the transactions DataFrame itself to have that worked out).

    A question is *answerable* when every data sub-question has its columns, *partly* when some
    do, *not answerable* when none do. Survey sub-questions do not count: no transaction file
    can answer them, and the table lists them separately.
    """
    check_lang(lang)
    present = set(columns_present(columns) if isinstance(columns, pd.DataFrame) else columns)
    rows = []
    for q in QUESTIONS:
        data_items = [it for it in q.items if it.needs]
        ok = [it for it in data_items if set(it.needs) <= present]
        missing = sorted({c for it in data_items for c in it.needs if c not in present})
        st = ANSWERABLE if len(ok) == len(data_items) else (PARTLY if ok else NOT_ANSWERABLE)
        rows.append({
            "question": q.key, "label": qlabel(q.key, lang), "status": st,
            "status_label": text(st, lang, LABELS),
            "answered": ", ".join(it.key for it in ok),
            "missing_columns": _cols(missing, lang),
            "survey": ", ".join(it.key for it in q.items if not it.needs),
        })
    return pd.DataFrame(rows)


def answer(
    tx: Any,
    *,
    asof: Any,
    lang: str = "en",
    window_days: int = 365,
    top: int = 10,
) -> FiveW2HResult:
    """Answer the 5W2H questions that the transactions can answer.

    Parameters
    ----------
    tx : canonical transactions: a DataFrame (e.g. from :func:`crmcore.datasets.load`), an Ibis table, or
        the path of a canonical Parquet file (aggregated by the engine without loading it into memory).
    asof : snapshot date; only lines dated before it count.
    window_days : the "recent period" for new vs returning customers (default the last 365 days).
    top : how many products the What table lists.

    Returns
    -------
    FiveW2HResult : ``result["what"]`` … ``result["why"]`` (status, tables, headline, plot),
    ``status_table`` and ``people_goods_place`` (人-货-场).
    """
    check_lang(lang)
    asof_ts = engine.check_asof(asof)
    if not isinstance(window_days, (int, np.integer)) or isinstance(window_days, bool) or window_days <= 0:
        raise ParameterError(f"window_days={window_days!r}: give a whole number of days > 0, e.g. 365.")
    if not isinstance(top, (int, np.integer)) or isinstance(top, bool) or top <= 0:
        raise ParameterError(f"top={top!r}: give a whole number > 0, e.g. 10.")
    if isinstance(tx, (str, Path)):
        tx = engine.table(tx)  # a canonical Parquet/CSV file, scanned by the engine without loading it
    cols = _check_tx(tx)
    q = _Q(tx, asof_ts, cols)
    try:
        return _answer(q, asof_ts, lang, window_days, top, cols)
    finally:
        q.close()


def report_table(result: FiveW2HResult, key: str, name: str, lang: str = "en") -> pd.DataFrame:
    """Table ``name`` of answer ``key`` ready for ``crm.show(..., columns=COLUMNS)``: the columns a reader needs,
    group names and the demo data's values in ``lang`` (an empty frame when the data lack it)."""
    check_lang(lang)
    tables = result[key].tables
    if name not in tables:
        return pd.DataFrame()
    df = tables[name].copy()
    if name == "products" and "product_name" not in df:
        df["product_name"] = df["product_id"]
    cols = [c for c in _TABLE_COLS.get(name, list(df.columns)) if c in df.columns]
    df = df[cols]
    for c in ("category", "channel", "region", "payment", "product_name"):
        if c in df:
            df[c] = [_v(x, lang) for x in df[c]]
    for c in ("group", "tier"):
        if c in df:
            df[c] = [text(x, lang, LABELS) for x in df[c]]
    if "promo" in df:
        df["promo"] = [text("promo" if p else "regular", lang, LABELS) for p in df["promo"]]
        df = df.rename(columns={"promo": "price_type"})
    for c in ("orders", "customers"):
        if c in df and pd.api.types.is_float_dtype(df[c]) and (df[c].dropna() % 1 == 0).all():
            df[c] = df[c].astype("int64")
    return df.reset_index(drop=True)


def status_report(result: FiveW2HResult, lang: str = "en") -> pd.DataFrame:
    """One row per question for a report: question, whether these data answer it, what is missing."""
    check_lang(lang)
    st = result.status_table
    return pd.DataFrame({
        "label": [qlabel(k, lang) for k in st["question"]],
        "status_label": [text(x, lang, LABELS) for x in st["status"]],
        "missing_columns": [_cols(result[k].missing_columns, lang) for k in st["question"]],
        "n_survey": [sum(1 for it in _BY_KEY[k].items if not it.needs) for k in st["question"]],
    })


def pgp_report(result: FiveW2HResult, lang: str = "en") -> pd.DataFrame:
    """The 人-货-场 table for a report: dimension, measure and the value as shown."""
    check_lang(lang)
    p = result.people_goods_place
    return pd.DataFrame({"dimension_label": [text(d, "zh", LABELS) if lang == "zh" else
                                             f"{text(d, 'en', LABELS)} ({text(d, 'zh', LABELS)})" for d in p["dimension"]],
                         "metric_label": [text(m, lang, PGP_LABELS) for m in p["metric"]],
                         "shown": list(p["shown"])})


def default_window(tx: pd.DataFrame, asof: Any) -> int:
    """The "recent" window for new vs returning customers when none is given: 365 days, or half the data's
    history before ``asof`` when that is shorter — so a one-year file (Online Retail) leaves half a year of
    history in which a "returning" customer can have bought before."""
    asof_ts = engine.check_asof(asof)
    first = pd.Timestamp(tx["order_date"].min()).normalize()
    history = max(int((asof_ts - first).days), 3)
    # one day less than half: the history before the window (counted from the first order's time of day)
    # is then at least as long as the window, so the Who answer has no reason to warn
    return int(min(365, (history - 1) // 2))


def data_summary(tx: pd.DataFrame, asof: Any) -> pd.DataFrame:
    """One row that says what was read: lines, orders, customers, first and last order date, the snapshot date."""
    return pd.DataFrame({"lines": [int(len(tx))], "orders": [int(tx["order_id"].nunique())],
                         "customers": [int(tx["customer_id"].nunique())],
                         "first_purchase": [pd.Timestamp(tx["order_date"].min()).normalize()],
                         "last_purchase": [pd.Timestamp(tx["order_date"].max()).normalize()],
                         "asof": [str(engine.check_asof(asof).date())]})


def returns_note(tx: pd.DataFrame, asof: Any, lang: str = "en") -> list[str]:
    """What the answers do with returns, counted from the data: returns are left out, the sales they cancel
    still count — so totals are gross, and a large cancelled order can top the product list."""
    check_lang(lang)
    asof_ts = engine.check_asof(asof)
    if "is_return" not in tx.columns:
        return []
    before = tx[tx["order_date"] < asof_ts]
    ret = before["is_return"].fillna(False).astype(bool)
    n = int(ret.sum())
    if n == 0:
        return []
    value = float(before.loc[ret, "amount"].abs().sum())
    sales = float(before.loc[~ret, "amount"].sum())
    share = value / sales if sales else float("nan")
    return fivew2h_text.returns_sentences(n, value, share, lang)


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class QuestionAnswer(Result):
    """One question answered: status, small tables, a headline made from the numbers."""

    key: str
    status: str
    tables: Mapping[str, pd.DataFrame]
    headline: str
    facts: Mapping[str, Any]
    missing_columns: tuple[str, ...]
    lang: str = "en"
    _conventions = ("status", "missing_columns")

    @property
    def title(self) -> str:  # type: ignore[override]
        q = _BY_KEY[self.key]
        return f"{qlabel(self.key, self.lang)}: {text(self.status, self.lang, LABELS)}"

    def to_frame(self) -> pd.DataFrame:
        """The first table of the answer (empty when not answerable)."""
        return next(iter(self.tables.values())) if self.tables else pd.DataFrame()

    def plot(self, ax=None, lang: str | None = None, kind: str | None = None):
        return fivew2h_plots.PLOTS[self.key](self, ax=ax, lang=lang or self.lang, kind=kind)

    def interpret(self, lang: str | None = None) -> list[str]:
        """The headline as a one-sentence list; the headline was written in the answer's language."""
        _same_lang(self.lang, lang)
        return [self.headline] if self.headline else []


@dataclass(frozen=True, eq=False)
class FiveW2HResult(Result):
    """All seven answers, their statuses and the 人-货-场 summary."""

    answers: Mapping[str, QuestionAnswer]
    status_table: pd.DataFrame
    people_goods_place: pd.DataFrame
    asof: pd.Timestamp
    window_days: int
    returns: str
    lang: str = "en"
    _conventions = ("asof", "window_days", "returns")
    _columns = RESULT_COLUMNS

    @property
    def title(self) -> str:  # type: ignore[override]
        return text("title", self.lang, LABELS)

    def __getitem__(self, key: str) -> QuestionAnswer:
        if key not in self.answers:
            raise ParameterError(f"question {key!r} is unknown; use one of {', '.join(KEYS)}.")
        return self.answers[key]

    def to_frame(self) -> pd.DataFrame:
        """One row per question: status, headline, missing columns."""
        df = self.status_table[["question", "label", "status", "status_label", "missing_columns"]].copy()
        df["headline"] = [self.answers[k].headline for k in df["question"]]
        return df

    def interpret(self, lang: str | None = None) -> list[str]:
        """The seven headlines, in question order, as ``"What (买什么): ..."`` (zh: ``"买什么：..."``).

        The headlines were written when the answers were computed, in ``self.lang``; another ``lang``
        raises a ParameterError that says how to get them in that language."""
        _same_lang(self.lang, lang)
        sep = "：" if self.lang == "zh" else ": "
        return [f"{qlabel(k, self.lang)}{sep}{self.answers[k].headline}" for k in KEYS]

    @deprecated("interpret")
    def headlines(self) -> list[str]:
        """Deprecated old name of interpret()."""
        return self.interpret()

    def plot(self, ax=None, lang: str | None = None, **kwargs: Any):
        """No single chart answers all seven questions: draw one per question with ``result[key].plot()``
        or all of them with :func:`plot_all`."""
        raise NoPlotError("FiveW2HResult has seven charts, one per question: use result['what'].plot(...) "
                          "for one of them or crmcore.fivew2h.plot_all(result, lang) for all seven; the "
                          "statuses and headlines are in result.to_frame(lang).")


def _same_lang(computed: str, asked: str | None) -> None:
    """Headlines are text written in the language the answers were computed in."""
    if asked is not None and check_lang(asked) != computed:
        raise ParameterError(f"these answers were written in {computed!r}; to read them in {asked!r}, "
                             f"compute them again with lang={asked!r} (crmcore.fivew2h.answer(tx, asof=..., lang={asked!r})).")


# --------------------------------------------------------------------------------------------
# Private helpers: input checks, the 人-货-场 table, the seven answers in turn
# --------------------------------------------------------------------------------------------


def _check_tx(tx: Any) -> list[str]:
    """Columns present (with at least one value); raise a DataError on unusable input."""
    if isinstance(tx, ibis.expr.types.Table):
        cols = list(tx.columns)
    elif isinstance(tx, pd.DataFrame):
        if len(tx) == 0:
            raise DataError("the transactions have no rows. Check the file or the filter that produced them.")
        cols = [c for c in tx.columns if tx[c].notna().any()]
    else:
        raise DataError(f"answer() needs transactions as a pandas DataFrame, an Ibis table or a Parquet path, not a "
                        f"{type(tx).__name__}. Load them with crmcore.data.load_transactions or crmcore.datasets.load.")
    missing = [c for c in _REQUIRED if c not in cols]
    if missing:
        raise DataError(f"the transactions lack column(s) {', '.join(missing)} that every 5W2H answer needs. "
                        f"Load them with crmcore.data.load_transactions(..., mapping=...) to get the canonical "
                        f"schema. Columns found: {', '.join(map(str, tx.columns))}.")
    if isinstance(tx, pd.DataFrame):
        if not pd.api.types.is_datetime64_any_dtype(tx["order_date"]):
            ex = tx["order_date"].iloc[0]
            raise DataError(f"column 'order_date' holds {tx['order_date'].dtype} values (row 0: {ex!r}), not dates. "
                            "Load the data with crmcore.data.load_transactions, which parses dates.")
        for c in ("quantity", "amount"):
            if not pd.api.types.is_numeric_dtype(tx[c]) or pd.api.types.is_bool_dtype(tx[c]):
                raise DataError(f"column {c!r} holds {tx[c].dtype} values (row 0: {tx[c].iloc[0]!r}), not numbers. "
                                "Load the data with crmcore.data.load_transactions, which parses numbers.")
    return cols


def _pgp(ans: Mapping[str, QuestionAnswer], lang: str) -> pd.DataFrame:
    """人-货-场: people, goods and place in one table (value, and text for reports)."""
    f = {k: a.facts for k, a in ans.items()}
    rows: list[tuple[str, str, Any, str]] = []

    def add(dim, key, value, shown):
        rows.append((dim, key, value, shown))

    who, what, where, hm, why, when = f["who"], f["what"], f["where"], f["how_much"], f["why"], f["when"]
    add("people", "active_customers", who.get("active_customers"), f"{who.get('active_customers', 0):,}")
    add("people", "new_share", who.get("new_share"), f"{who.get('new_share', float('nan')):.1%}")
    add("people", "top20_revenue_share", who.get("top20_revenue_share"), f"{who.get('top20_revenue_share', float('nan')):.1%}")
    add("people", "orders_per_customer", hm.get("mean_orders_per_customer"), f"{hm.get('mean_orders_per_customer', float('nan')):.2f}")
    add("people", "revenue_per_customer", hm.get("mean_revenue_per_customer"), f"{hm.get('mean_revenue_per_customer', float('nan')):,.2f}")
    add("goods", "products_sold", what.get("n_products"), f"{what.get('n_products', 0):,}")
    if "top_category" in what:
        add("goods", "categories", what["n_categories"], f"{what['n_categories']}")
        add("goods", "top_category", what["top_category_share"], f"{_v(what['top_category'], lang)} ({what['top_category_share']:.1%})")
    add("goods", "top_product", what.get("top_product_share"), f"{_v(what.get('top_product'), lang)} ({what.get('top_product_share', float('nan')):.1%})")
    add("goods", "average_order_value", hm.get("mean_order_value"), f"{hm.get('mean_order_value', float('nan')):,.2f}")
    if "promo_revenue_share" in why:
        add("goods", "promo_revenue_share", why["promo_revenue_share"], f"{why['promo_revenue_share']:.1%}")
    for col in ("channel", "region"):
        if f"top_{col}" in where:
            add("place", f"{col}s", where[f"n_{col}s"], f"{where[f'n_{col}s']}")
            add("place", f"top_{col}", where[f"top_{col}_share"], f"{_v(where[f'top_{col}'], lang)} ({where[f'top_{col}_share']:.1%})")
    if "peak_slot" in when:
        wd, hh = when["peak_slot"].split(" ")
        add("place", "peak_slot", when["peak_weekday_share"], f"{WEEKDAYS[lang][WEEKDAYS['en'].index(wd)]} {hh}")
    df = pd.DataFrame(rows, columns=["dimension", "metric", "value", "shown"])
    df.insert(1, "dimension_label", [text(d, "zh", LABELS) if lang == "zh" else f"{text(d, 'zh', LABELS)} {text(d, 'en', LABELS)}"
                                     for d in df["dimension"]])
    df.insert(3, "label", [text(m, lang, PGP_LABELS) for m in df["metric"]])
    return df


def _answer(q: _Q, asof_ts: pd.Timestamp, lang: str, window_days: int, top: int, cols: list[str]) -> FiveW2HResult:
    t = q.t()
    info = q.run(t.aggregate(n=t.count(),
                             timed=((t.order_date.hour() != 0) | (t.order_date.minute() != 0)).sum()))
    if int(info.at[0, "n"]) == 0:
        raise DataError(f"no sales lines dated before asof={asof_ts:%Y-%m-%d} (returns excluded). "
                        "Choose a later asof or check the dates of the data.")
    has_time = int(info.at[0, "timed"] or 0) > 0
    present = set(cols) | ({TIME_OF_DAY} if has_time else set())
    st = status(present, lang=lang)
    answers: dict[str, QuestionAnswer] = {}
    for row in st.itertuples():
        key = row.question
        missing = tuple(m.strip() for m in row.missing_columns.split(",") if m.strip())
        missing_raw = tuple(sorted({c for it in _BY_KEY[key].items if it.needs for c in it.needs if c not in present}))
        if row.status == NOT_ANSWERABLE:
            answers[key] = QuestionAnswer(key, row.status, {}, _not_answerable(key, list(missing_raw), lang), {},
                                          missing_raw, lang)
            continue
        if key == "what":
            tables, facts, head = _what(q, lang, top)
        elif key == "who":
            tables, facts, head = _who(q, lang, window_days)
        elif key == "when":
            tables, facts, head = _when(q, lang, has_time)
        elif key == "where":
            tables, facts, head = _where(q, lang)
        elif key == "how_much":
            tables, facts, head = _how_much(q, lang)
        elif key == "how":
            tables, facts, head = _how(q, lang)
        else:
            tables, facts, head = _why(q, lang)
        if row.status == PARTLY and missing_raw:
            head += fivew2h_text.partly_note(missing_raw, lang)
        if lang == "en" and head:
            head = head[0].upper() + head[1:]  # "Store is the largest channel", even when a value leads
        answers[key] = QuestionAnswer(key, row.status, tables, head, facts, missing_raw, lang)
    pgp = _pgp(answers, lang)
    return FiveW2HResult(answers, st, pgp, asof_ts, int(window_days), "excluded", lang)
