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

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import ibis
import numpy as np
import pandas as pd

from crmcore import engine
from crmcore.errors import DataError, ParameterError
from crmcore.labels import WEEKDAYS, check_lang, column, text, value
from crmcore.plotting import new_ax
from crmcore.results import NoPlotError, Result, deprecated

# --------------------------------------------------------------------------------------------
# The question bank
# --------------------------------------------------------------------------------------------

ANSWERABLE, PARTLY, NOT_ANSWERABLE = "answerable", "partly", "not answerable"
#: pseudo-column: order_date carries a time of day (not every line at midnight)
TIME_OF_DAY = "time_of_day"


@dataclass(frozen=True)
class Item:
    """One sub-question; ``needs`` are the columns that answer it, None = ask customers (survey)."""

    key: str
    en: str
    zh: str
    needs: tuple[str, ...] | None


@dataclass(frozen=True)
class Question:
    key: str
    en: str
    zh: str
    items: tuple[Item, ...]


QUESTIONS: tuple[Question, ...] = (
    Question("what", "What", "买什么", (
        Item("what_categories", "Which categories do they buy, and which sell most?", "买哪些品类？哪些品类卖得最多？", ("category",)),
        Item("what_products", "Which products do they buy, and which sell most?", "买哪些商品？哪些商品卖得最多？", ("product_id",)),
        Item("what_needs", "What needs does the purchase meet, and which is the core need?", "顾客有哪些需求？核心需求是什么？", None),
        Item("what_factors", "What are the key purchase factors?", "关键购买因素是什么？", None),
    )),
    Question("who", "Who", "谁买", (
        Item("who_initiates", "Who wants it (initiator)?", "谁想买（发起者）？", None),
        Item("who_informs", "Who gathers the information?", "谁收集信息？", None),
        Item("who_decides", "Who decides?", "谁做决定（决策者）？", None),
        Item("who_buys", "Who buys: new or returning customers, and how concentrated is their value?",
             "谁购买（购买者）：新客还是老客？价值集中在哪些客户？", ("customer_id", "order_date")),
        Item("who_influences", "Who influences the decision?", "谁影响购买（影响者）？", None),
        Item("who_uses", "Who uses it?", "谁使用（使用者）？", None),
    )),
    Question("when", "When", "何时买", (
        Item("when_time", "On which weekday and at what hour do they buy?", "哪天、几点购买？", ("order_date", TIME_OF_DAY)),
        Item("when_repurchase", "How long until they buy again?", "隔多久再次购买？", ("customer_id", "order_date")),
        Item("when_use", "When is it used, and how long does it last?", "何时使用？能用多久？", None),
    )),
    Question("where", "Where", "在哪买", (
        Item("where_channel", "Through which channel do they buy?", "通过什么渠道购买？", ("channel",)),
        Item("where_region", "In which region, and with what regional traits?", "在哪个区域购买？区域有什么特点？", ("region",)),
        Item("where_place", "At which place or occasion (store, site, event)?", "在什么地点、场合购买？", None),
    )),
    Question("how_much", "How much", "买多少", (
        Item("how_much_basket", "How much per order (items, order value)?", "每次买多少？客单价多少？", ("order_id", "quantity", "amount")),
        Item("how_much_frequency", "How often do they buy?", "买几次？多久买一次？", ("customer_id", "order_id")),
        Item("how_much_price", "At what price points?", "在什么价位购买？", ("unit_price",)),
    )),
    Question("how", "How", "如何买", (
        Item("how_way", "Which way of buying (store, online, app)?", "以什么方式购买（门店、网上、小程序）？", ("channel",)),
        Item("how_payment", "How do they pay?", "如何支付？", ("payment",)),
        Item("how_process", "What is the buying process (search, compare, order, delivery)?", "购买流程是怎样的（搜索、比较、下单、配送）？", None),
    )),
    Question("why", "Why", "为什么", (
        Item("why_promo", "Do promotions make them buy?", "促销是否促成购买？", ("is_promo",)),
        Item("why_price", "How sensitive are they to price?", "对价格是否敏感？", ("product_id", "unit_price")),
        Item("why_reasons", "Why do they buy (motives, reasons)?", "为什么购买（动机、原因）？", None),
    )),
)
KEYS = tuple(q.key for q in QUESTIONS)
_BY_KEY = {q.key: q for q in QUESTIONS}

LABELS: dict[str, dict[str, str]] = {
    ANSWERABLE: {"en": "answerable", "zh": "可回答"},
    PARTLY: {"en": "partly", "zh": "部分可回答"},
    NOT_ANSWERABLE: {"en": "not answerable", "zh": "无法回答"},
    "survey": {"en": "ask customers (survey, interview)", "zh": "需调研（问卷、访谈）"},
    "data": {"en": "transactions", "zh": "交易数据"},
    "missing": {"en": "missing", "zh": "缺少"},
    TIME_OF_DAY: {"en": "time of day in order_date", "zh": "order_date 中的时刻"},
    "new": {"en": "new", "zh": "新客"},
    "returning": {"en": "returning", "zh": "老客（回头客）"},
    "top20": {"en": "top 20% of customers", "zh": "前20%客户"},
    "next30": {"en": "next 30%", "zh": "中间30%"},
    "bottom50": {"en": "bottom 50%", "zh": "后50%"},
    "promo": {"en": "promotion", "zh": "促销"},
    "regular": {"en": "regular price", "zh": "正价"},
    "people": {"en": "people", "zh": "人"},
    "goods": {"en": "goods", "zh": "货"},
    "place": {"en": "place", "zh": "场"},
    "payment": {"en": "payment", "zh": "支付方式"},
    "hour": {"en": "hour", "zh": "时段"},
    "days": {"en": "days between purchases", "zh": "两次购买间隔（天）"},
    "orders_per_customer": {"en": "orders per customer", "zh": "每位客户订单数"},
    "order_value": {"en": "order value", "zh": "订单金额"},
    "price_band": {"en": "unit price band", "zh": "单价区间"},
    "rel_price": {"en": "price vs reference", "zh": "相对参考价"},
    "qty_per_line": {"en": "units per line", "zh": "每行件数"},
    "share_of_orders": {"en": "share of orders", "zh": "订单占比"},
    "share_of_customers": {"en": "share of customers", "zh": "客户占比"},
    "title": {"en": "5W2H of customer purchases", "zh": "顾客购买行为 5W2H 分析"},
    "no_data": {"en": "not answerable from these columns", "zh": "现有数据列无法回答"},
}

#: metric labels of the people–goods–place table
PGP_LABELS: dict[str, dict[str, str]] = {
    "active_customers": {"en": "customers in the window", "zh": "期内购买客户数"},
    "new_share": {"en": "new customers' share", "zh": "新客占比"},
    "top20_revenue_share": {"en": "revenue share of the top 20% of customers", "zh": "前20%客户的销售额占比"},
    "orders_per_customer": {"en": "orders per customer", "zh": "人均订单数"},
    "revenue_per_customer": {"en": "revenue per customer", "zh": "人均消费金额"},
    "products_sold": {"en": "products sold", "zh": "在售商品数"},
    "categories": {"en": "categories", "zh": "品类数"},
    "top_category": {"en": "top category (revenue share)", "zh": "第一品类（销售额占比）"},
    "top_product": {"en": "top product (revenue share)", "zh": "第一商品（销售额占比）"},
    "average_unit_price": {"en": "average unit price", "zh": "平均件单价"},
    "promo_revenue_share": {"en": "promotion revenue share", "zh": "促销销售额占比"},
    "average_order_value": {"en": "average order value", "zh": "客单价"},
    "channels": {"en": "channels", "zh": "渠道数"},
    "top_channel": {"en": "top channel (revenue share)", "zh": "第一渠道（销售额占比）"},
    "regions": {"en": "regions", "zh": "区域数"},
    "top_region": {"en": "top region (revenue share)", "zh": "第一区域（销售额占比）"},
    "peak_slot": {"en": "busiest weekday and hour", "zh": "最繁忙的时段"},
}

_INTERVAL_BINS = [(1, 7), (8, 14), (15, 30), (31, 60), (61, 90), (91, 180), (181, 365), (366, None)]
_FREQ_BINS = [(1, 1), (2, 2), (3, 5), (6, 10), (11, 20), (21, None)]
#: relative price (unit price / reference price) bands for price sensitivity
_REL_BANDS = [(None, 0.80, "≤ 0.80"), (0.80, 0.95, "0.80–0.95"), (0.95, 1.05, "0.95–1.05"), (1.05, None, "> 1.05")]


def _label(lo, hi) -> str:
    if hi is None:
        return f"{lo}+"
    return f"{lo}" if lo == hi else f"{lo}–{hi}"


_DEMO_PRODUCT = re.compile(r"^(.+) item (\d+)$")


def _v(x: Any, lang: str) -> str:
    """A data value for a sentence or table in ``lang``: the demo data's channel, payment, region and
    category names (and demo product names such as "Lighting item 5" → "灯具 5 号商品") translated; a
    user's own values unchanged."""
    x = str(x)
    if lang == "zh":
        m = _DEMO_PRODUCT.match(x)
        if m and value(m.group(1), "zh") != m.group(1):
            return f"{value(m.group(1), 'zh')} {m.group(2)} 号商品"
    return str(value(x, lang))


def qlabel(key: str, lang: str = "en") -> str:
    """The heading of a question in ``lang``: "What (买什么)" in English, "买什么" in Chinese."""
    check_lang(lang)
    q = _BY_KEY[key]
    return q.zh if lang == "zh" else f"{q.en} ({q.zh})"


#: Chinese names of canonical columns that crmcore.labels.COLUMNS does not list
_COLUMN_ZH = {"is_promo": {"en": "is_promo", "zh": "促销标记"}, "list_price": {"en": "list_price", "zh": "标价"},
              "is_return": {"en": "is_return", "zh": "退货标记"}, "amount": {"en": "amount", "zh": "金额"}}


def _cols(names, lang: str) -> str:
    """Column names as a reader reads them: code names in English, Chinese headers in Chinese."""
    if lang == "zh":
        return "、".join(text(c, lang, LABELS) if c == TIME_OF_DAY else column(c, "zh", _COLUMN_ZH) for c in names)
    return ", ".join(text(c, lang, LABELS) if c == TIME_OF_DAY else c for c in names)


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
        return PLOTS[self.key](self, ax=ax, lang=lang or self.lang, kind=kind)

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
    _columns = {"question": {"en": "Question key", "zh": "问题代码"}, "status": {"en": "Status key", "zh": "状态代码"}}

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
# Validation and engine helpers
# --------------------------------------------------------------------------------------------

_REQUIRED = ("customer_id", "order_id", "order_date", "quantity", "amount")


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


class _Q:
    """The filtered Ibis table of one ``answer()`` call: registered once, freed by :meth:`close`."""

    def __init__(self, tx: Any, asof: pd.Timestamp, cols: list[str]):
        self.tx, self.asof, self.cols = tx, asof, cols
        t = engine.table(tx)
        t = t.filter(t.order_date < asof)
        if "is_return" in cols:
            t = t.filter(~t.is_return.fill_null(False))
        self._t = t
        self.customers: pd.DataFrame | None = None  # per-customer table, shared by Who and How much

    def t(self):
        return self._t

    def run(self, expr) -> pd.DataFrame:
        # tx=None: keep the view registered for the next query; close() frees it
        return engine.execute(expr)

    def close(self) -> None:
        if isinstance(self.tx, pd.DataFrame):
            engine.release(self._t)


def _share(s: pd.Series) -> pd.Series:
    tot = s.sum()
    return s / tot if tot else s * np.nan


def _by(q: _Q, col: str) -> pd.DataFrame:
    """Revenue, orders, customers, quantity, lines by one column, largest revenue first."""
    t = q.t()
    expr = t.group_by(col).aggregate(revenue=t.amount.sum(), orders=t.order_id.nunique(),
                                     customers=t.customer_id.nunique(), quantity=t.quantity.sum(), lines=t.count())
    df = q.run(expr)
    df[col] = df[col].astype("str")
    df = df.sort_values(["revenue", col], ascending=[False, True], kind="stable").reset_index(drop=True)
    df["revenue_share"] = _share(df["revenue"])
    df["average_order_value"] = df["revenue"] / df["orders"]
    return df


# --------------------------------------------------------------------------------------------
# The seven answers
# --------------------------------------------------------------------------------------------


def _what(q: _Q, lang: str, top: int) -> tuple[dict, dict, str]:
    tables, facts = {}, {}
    parts = []
    if "category" in q.cols:
        cat = _by(q, "category")
        cat["cumulative_share"] = cat["revenue_share"].cumsum()
        tables["categories"] = cat
        k = min(3, len(cat))
        facts.update(top_category=cat.at[0, "category"], top_category_share=float(cat.at[0, "revenue_share"]),
                     top3_category_share=float(cat["revenue_share"].iloc[:k].sum()), n_categories=len(cat))
        top_cat = _v(cat.at[0, "category"], lang)
        tied = [_v(c, lang) for c in cat["category"].iloc[1:][np.isclose(cat["revenue"].iloc[1:], cat.at[0, "revenue"])]]
        if tied:  # equal revenue: no single top category
            lead = {"en": f"{top_cat} and {', '.join(tied)} tie as the top category with {facts['top_category_share']:.1%} "
                          "of revenue each",
                    "zh": f"{top_cat}与{'、'.join(tied)}并列第一品类，各占销售额 {facts['top_category_share']:.1%}"}[lang]
        else:
            lead = {"en": f"{top_cat} is the top category with {facts['top_category_share']:.1%} of revenue",
                    "zh": f"{top_cat}是第一品类，占销售额 {facts['top_category_share']:.1%}"}[lang]
        if k < len(cat):
            lead += {"en": f"; the top {k} of {len(cat)} categories bring {facts['top3_category_share']:.1%}.",
                     "zh": f"；{len(cat)} 个品类中前 {k} 个合计占 {facts['top3_category_share']:.1%}。"}[lang]
        else:  # "the top 3 bring 100%" would say nothing: there are only k categories
            lead += {"en": f" (of {len(cat)} categories).", "zh": f"（共 {len(cat)} 个品类）。"}[lang]
        parts.append(lead)
    t = q.t()
    keys = ["product_id"] + [c for c in ("product_name", "category") if c in q.cols]
    prod = q.run(t.group_by("product_id").aggregate(
        **{c: t[c].min() for c in keys[1:]},  # min, not arbitrary: the same name on every run
        revenue=t.amount.sum(), quantity=t.quantity.sum(), orders=t.order_id.nunique(),
        customers=t.customer_id.nunique()))
    prod = prod.sort_values(["revenue", "product_id"], ascending=[False, True], kind="stable").reset_index(drop=True)
    prod["revenue_share"] = _share(prod["revenue"])
    n = min(top, len(prod))
    tables["products"] = prod.head(n).reset_index(drop=True)
    name = prod.at[0, "product_name"] if "product_name" in prod else prod.at[0, "product_id"]
    facts.update(top_product=str(name), top_product_share=float(prod.at[0, "revenue_share"]),
                 top_n_product_share=float(prod["revenue_share"].iloc[:n].sum()), n_products=len(prod), top_n=n)
    name = _v(name, lang)
    n_tied = int(np.isclose(prod["revenue"].iloc[1:], prod.at[0, "revenue"]).sum())
    if n_tied:
        head = {"en": f"{n_tied + 1} products tie as the best seller, {name} among them ({facts['top_product_share']:.1%} "
                      "of revenue each)",
                "zh": f"{n_tied + 1} 个商品并列最畅销（包括{name}，各占销售额 {facts['top_product_share']:.1%}）"}[lang]
    else:
        head = {"en": f"The best-selling product is {name} ({facts['top_product_share']:.1%} of revenue)",
                "zh": f"最畅销的商品是{name}（占销售额 {facts['top_product_share']:.1%}）"}[lang]
    if n < len(prod):
        head += {"en": f"; the top {n} of {len(prod):,} products bring {facts['top_n_product_share']:.1%}.",
                 "zh": f"；{len(prod):,} 个商品中前 {n} 个合计占 {facts['top_n_product_share']:.1%}。"}[lang]
    else:
        head += {"en": f" (of {len(prod):,} products).", "zh": f"（共 {len(prod):,} 个商品）。"}[lang]
    parts.append(head)
    return tables, facts, ("" if lang == "zh" else " ").join(parts)


def _who(q: _Q, lang: str, window_days: int) -> tuple[dict, dict, str]:
    start = q.asof - pd.Timedelta(days=window_days)
    t = q.t()
    in_w = t.order_date >= start
    extra = {"promo_revenue": t.amount.sum(where=t.is_promo.fill_null(False))} if "is_promo" in q.cols else {}
    expr = t.group_by("customer_id").aggregate(
        first_purchase=t.order_date.min(), orders=t.order_id.nunique(), revenue=t.amount.sum(),
        orders_window=t.order_id.nunique(where=in_w), revenue_window=t.amount.sum(where=in_w), **extra)
    cs = q.run(expr).sort_values("customer_id", kind="stable").reset_index(drop=True)
    q.customers = cs
    cs["first_purchase"] = pd.to_datetime(cs["first_purchase"])
    for c in ("orders_window", "revenue_window"):
        cs[c] = cs[c].fillna(0)
    active = cs[cs["orders_window"] > 0]
    is_new = active["first_purchase"] >= start
    groups = []
    for key, part in (("new", active[is_new]), ("returning", active[~is_new])):
        groups.append({"group": key, "label": text(key, lang, LABELS), "customers": len(part),
                       "orders": float(part["orders_window"].sum()), "revenue": float(part["revenue_window"].sum())})
    nr = pd.DataFrame(groups)
    nr["customer_share"] = _share(nr["customers"].astype(float))
    nr["revenue_share"] = _share(nr["revenue"])
    nr["orders_per_customer"] = nr["orders"] / nr["customers"].replace(0, np.nan)
    nr["revenue_per_customer"] = nr["revenue"] / nr["customers"].replace(0, np.nan)

    ranked = cs.sort_values(["revenue", "customer_id"], ascending=[False, True], kind="stable").reset_index(drop=True)
    n = len(ranked)
    cut20, cut50 = math.ceil(0.2 * n), math.ceil(0.5 * n)
    tier = np.where(np.arange(n) < cut20, "top20", np.where(np.arange(n) < cut50, "next30", "bottom50"))
    ranked["tier"] = tier
    tiers = ranked.groupby("tier", sort=False).agg(customers=("customer_id", "size"), revenue=("revenue", "sum"),
                                                   orders=("orders", "sum")).reindex(["top20", "next30", "bottom50"])
    tiers = tiers.dropna(how="all").reset_index()
    tiers.insert(1, "label", [text(k, lang, LABELS) for k in tiers["tier"]])
    tiers["revenue_share"] = _share(tiers["revenue"])
    tiers["orders_per_customer"] = tiers["orders"] / tiers["customers"]
    one_time = float((cs["orders"] == 1).mean())
    n_new, n_ret = int(nr.at[0, "customers"]), int(nr.at[1, "customers"])
    data_start = cs["first_purchase"].min()
    facts = dict(window_start=str(start.date()), data_start=str(data_start.date()),
                 active_customers=n_new + n_ret, new_customers=n_new,
                 returning_customers=n_ret, new_share=(n_new / (n_new + n_ret)) if n_new + n_ret else float("nan"),
                 returning_revenue_share=float(nr.at[1, "revenue_share"]),
                 top20_revenue_share=float(tiers.loc[tiers.tier == "top20", "revenue_share"].sum()),
                 one_time_share=one_time, customers=n,
                 orders_per_customer=float(cs["orders"].mean()), revenue_per_customer=float(cs["revenue"].mean()))
    head = {"en": f"In the {window_days} days before {q.asof:%Y-%m-%d}, {facts['active_customers']:,} customers bought: "
                  f"{n_new:,} new ({facts['new_share']:.1%}) and {n_ret:,} returning, who brought "
                  f"{facts['returning_revenue_share']:.1%} of the period's revenue. The top 20% of all {n:,} customers "
                  f"bring {facts['top20_revenue_share']:.1%} of revenue; {one_time:.1%} bought only once.",
            "zh": f"{q.asof:%Y-%m-%d} 前 {window_days} 天内有 {facts['active_customers']:,} 位客户购买："
                  f"新客 {n_new:,} 位（{facts['new_share']:.1%}），老客 {n_ret:,} 位，老客贡献该期销售额的 "
                  f"{facts['returning_revenue_share']:.1%}。全部 {n:,} 位客户中前20%贡献 "
                  f"{facts['top20_revenue_share']:.1%} 的销售额；{one_time:.1%} 的客户只买过一次。"}[lang]
    history = (start - data_start).days
    if history < window_days:
        # left-censoring: customers who bought before the data begin look new
        facts["history_before_window_days"] = max(history, 0)
        head += {"en": f" Caution: the data begin on {data_start:%Y-%m-%d}, only {max(history, 0)} days before the window, "
                       "so some 'new' customers may have bought before the data start; shorten window_days.",
                 "zh": f" 注意：数据始于 {data_start:%Y-%m-%d}，距观察期开始仅 {max(history, 0)} 天，部分“新客”可能在数据开始前"
                       "就已购买；可缩短 window_days。"}[lang]
    return {"new_returning": nr, "value_tiers": tiers}, facts, head


def _when(q: _Q, lang: str, has_time: bool) -> tuple[dict, dict, str]:
    tables, facts, parts = {}, {}, []
    t = q.t()
    o = t.group_by(["customer_id", "order_id"]).aggregate(d=t.order_date.min(), revenue=t.amount.sum())
    if has_time:
        o2 = o.mutate(weekday=o.d.day_of_week.index(), hour=o.d.hour())
        hw = q.run(o2.group_by(["weekday", "hour"]).aggregate(orders=o2.count(), revenue=o2.revenue.sum()))
        hw = hw.sort_values(["weekday", "hour"]).reset_index(drop=True)
        heat = hw.pivot(index="weekday", columns="hour", values="orders").reindex(range(7)).fillna(0).astype(int)
        heat.index = [WEEKDAYS[lang][i] for i in heat.index]
        tables["weekday_hour"] = heat
        by_wd = hw.groupby("weekday")["orders"].sum().reindex(range(7), fill_value=0)
        by_h = hw.groupby("hour")["orders"].sum()
        peak = hw.sort_values(["orders", "weekday", "hour"], ascending=[False, True, True]).iloc[0]
        tot = by_wd.sum()
        facts.update(peak_weekday=WEEKDAYS["en"][int(by_wd.idxmax())], peak_weekday_share=float(by_wd.max() / tot),
                     peak_hour=int(by_h.idxmax()), peak_hour_share=float(by_h.max() / tot),
                     peak_slot=f"{WEEKDAYS['en'][int(peak.weekday)]} {int(peak.hour):02d}:00",
                     weekend_share=float(by_wd.iloc[5:].sum() / tot))
        wd = WEEKDAYS[lang][int(by_wd.idxmax())]
        h = facts["peak_hour"]
        slot = f"{WEEKDAYS[lang][int(peak.weekday)]} {int(peak.hour):02d}:00"
        parts.append({"en": f"{wd} is the busiest weekday ({facts['peak_weekday_share']:.1%} of orders; weekend "
                            f"{facts['weekend_share']:.1%}) and {h:02d}:00–{h + 1:02d}:00 the busiest hour "
                            f"({facts['peak_hour_share']:.1%}); the peak slot is {slot}.",
                      "zh": f"{wd}订单最多（占 {facts['peak_weekday_share']:.1%}，周末合计 {facts['weekend_share']:.1%}），"
                            f"{h:02d}:00–{h + 1:02d}:00 是最忙的时段（{facts['peak_hour_share']:.1%}）；高峰为 {slot}。"}[lang])
    # repurchase intervals: days between a customer's distinct purchase days (counted per gap length)
    t = q.t()
    days = t.select(customer_id=t.customer_id, day=t.order_date.cast("date")).distinct()
    w = ibis.window(group_by="customer_id", order_by="day")
    days = days.mutate(prev=days.day.lag().over(w))
    gaps = days.filter(days.prev.notnull()).mutate(gap=days.day.delta(days.prev, unit="day"))
    counts = q.run(gaps.group_by("gap").aggregate(n=gaps.count())).sort_values("gap").reset_index(drop=True)
    g, n = counts["gap"].to_numpy(float), counts["n"].to_numpy(float)
    hist = pd.DataFrame({"days": [_label(lo, hi) for lo, hi in _INTERVAL_BINS],
                         "intervals": [int(n[(g >= lo) & ((g <= hi) if hi is not None else True)].sum())
                                       for lo, hi in _INTERVAL_BINS]})
    hist["share"] = _share(hist["intervals"].astype(float))
    tables["repurchase_intervals"] = hist
    stats = pd.DataFrame({"n": [n.sum()], "median": [_weighted_median(g, n)],
                          "mean": [(g * n).sum() / n.sum() if n.sum() else np.nan]})
    n_gaps = int(stats.at[0, "n"])
    if n_gaps:
        med = float(stats.at[0, "median"])
        within30 = float(hist["share"].iloc[:3].sum())
        facts.update(repurchase_intervals=n_gaps, median_interval_days=med, mean_interval_days=float(stats.at[0, "mean"]),
                     within_30_days_share=within30)
        parts.append({"en": f"Repeat purchases come a median {med:.0f} days apart (mean {facts['mean_interval_days']:.0f}); "
                            f"{within30:.1%} of {n_gaps:,} intervals are 30 days or less.",
                      "zh": f"再次购买的间隔中位数为 {med:.0f} 天（平均 {facts['mean_interval_days']:.0f} 天）；"
                            f"{n_gaps:,} 个间隔中 {within30:.1%} 不超过30天。"}[lang])
    else:
        facts.update(repurchase_intervals=0)
        parts.append({"en": "No customer bought on two different days, so there are no repurchase intervals.",
                      "zh": "没有客户在两个不同的日子购买，因此没有再购间隔。"}[lang])
    if not has_time:
        parts.append({"en": "The dates carry no time of day, so hours cannot be compared.",
                      "zh": "日期不含时刻，无法比较时段。"}[lang])
    return tables, facts, ("" if lang == "zh" else " ").join(parts)


def _where(q: _Q, lang: str) -> tuple[dict, dict, str]:
    tables, facts, parts = {}, {}, []
    for col in ("channel", "region"):
        if col not in q.cols:
            continue
        df = _by(q, col)
        tables[col] = df
        hi = df.sort_values(["average_order_value", col], ascending=[False, True]).iloc[0]
        facts.update({f"top_{col}": df.at[0, col], f"top_{col}_share": float(df.at[0, "revenue_share"]),
                      f"n_{col}s": len(df), f"highest_aov_{col}": hi[col],
                      f"highest_aov_{col}_value": float(hi["average_order_value"])})
        lab = text(col, lang)
        top_v, hi_v = _v(df.at[0, col], lang), _v(hi[col], lang)
        aov = f"{hi['average_order_value']:,.2f}"
        if hi[col] == df.at[0, col]:  # the largest is also the dearest: say so, not "highest in" the same name
            tail = {"en": f"; it also has the highest average order value ({aov}).", "zh": f"；它的客单价也最高（{aov}）。"}
        else:
            tail = {"en": f"; the average order value is highest in {hi_v} ({aov}).", "zh": f"；客单价最高的是{hi_v}（{aov}）。"}
        parts.append({"en": f"{top_v} is the largest {lab} ({df.at[0, 'revenue_share']:.1%} of revenue, {len(df)} {lab}{'s' if len(df) != 1 else ''})",
                      "zh": f"{top_v}是销售额最大的{lab}（占 {df.at[0, 'revenue_share']:.1%}，共 {len(df)} 个{lab}）"}[lang]
                     + tail[lang])
    return tables, facts, ("" if lang == "zh" else " ").join(parts)


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """Median of values repeated ``weights`` times (the mean of the two middle values when even)."""
    if weights.sum() == 0:
        return float("nan")
    return _weighted_quantile(values, weights, 0.5)


def _weighted_quantile(values: np.ndarray, weights: np.ndarray, p: float) -> float:
    """Quantile with linear interpolation (numpy's default) of values repeated ``weights`` times."""
    order = np.argsort(values, kind="stable")
    v, w = np.asarray(values, float)[order], np.asarray(weights, float)[order]
    n = w.sum()
    pos = p * (n - 1)  # 0-based position in the expanded sorted list
    cum = np.cumsum(w)
    lo_i, hi_i = int(np.floor(pos)), int(np.ceil(pos))
    lo = v[np.searchsorted(cum, lo_i, side="right")]
    hi = v[np.searchsorted(cum, hi_i, side="right")]
    return float(lo + (hi - lo) * (pos - lo_i))


def _edges(values: np.ndarray, weights: np.ndarray) -> list[float]:
    """Quartile cut points, rounded to 2 significant digits, strictly increasing."""
    edges: list[float] = []
    for p in (0.25, 0.5, 0.75):
        v = _weighted_quantile(values, weights, p)
        r = float(f"{v:.2g}") if v > 0 else v
        if not edges or r > edges[-1]:
            edges.append(r)
    return edges


def _bands(values: np.ndarray, edges: list[float]) -> np.ndarray:
    """Band index: 0 below the first edge, …, len(edges) at or above the last."""
    return np.searchsorted(np.asarray(edges), values, side="right")


def _band_labels(edges: list[float]) -> list[str]:
    def f(x):
        return f"{x:,.4g}"
    labs = [f"< {f(edges[0])}"]
    labs += [f"{f(a)}–{f(b)}" for a, b in zip(edges[:-1], edges[1:])]
    labs.append(f"≥ {f(edges[-1])}")
    return labs


def _banded(df: pd.DataFrame, value: str, weight: str | None, sums: list[str], label: str) -> pd.DataFrame:
    w = df[weight].to_numpy(float) if weight else np.ones(len(df))
    edges = _edges(df[value].to_numpy(float), w)
    b = _bands(df[value].to_numpy(float), edges)
    out = df.assign(_b=b).groupby("_b")[sums].sum().reindex(range(len(edges) + 1), fill_value=0)
    out.insert(0, label, _band_labels(edges))
    return out.reset_index(drop=True), edges


def _how_much(q: _Q, lang: str) -> tuple[dict, dict, str]:
    t = q.t()
    # one row per order (tens of thousands at most): order value, items, lines
    orders = q.run(t.group_by("order_id").aggregate(value=t.amount.sum(), items=t.quantity.sum(), lines=t.count()))
    orders = orders.sort_values("order_id", kind="stable").reset_index(drop=True)
    basket = pd.DataFrame([{"orders": len(orders), "mean_order_value": orders["value"].mean(),
                            "median_order_value": orders["value"].median(), "mean_items": orders["items"].mean(),
                            "median_items": orders["items"].median(), "mean_lines": orders["lines"].mean()}])
    b = basket.iloc[0]
    ov, _ = _banded(orders.assign(orders=1, revenue=orders["value"]), "value", None, ["orders", "revenue"], "order_value")
    ov["share_of_orders"] = _share(ov["orders"].astype(float))
    ov["revenue_share"] = _share(ov["revenue"])
    # frequency: orders per customer (the per-customer table of Who)
    cs = q.customers
    if cs is None:
        cs = q.run(t.group_by("customer_id").aggregate(orders=t.order_id.nunique(), revenue=t.amount.sum()))
    fbin = np.full(len(cs), -1)
    for i, (lo, hi) in enumerate(_FREQ_BINS):
        fbin[(cs["orders"] >= lo) & ((cs["orders"] <= hi) if hi is not None else True)] = i
    fr = cs.assign(_b=fbin, customers=1).groupby("_b")[["customers", "revenue", "orders"]].sum()
    fr = fr.reindex(range(len(_FREQ_BINS)), fill_value=0).reset_index(drop=True)
    fr.insert(0, "orders_per_customer", [_label(lo, hi) for lo, hi in _FREQ_BINS])
    fr["share_of_customers"] = _share(fr["customers"].astype(float))
    fr["revenue_share"] = _share(fr["revenue"])
    n_cust = float(fr["customers"].sum())
    freq_mean = float(fr["orders"].sum() / n_cust)
    monetary_mean = float(fr["revenue"].sum() / n_cust)
    tables = {"basket": basket, "order_value_bands": ov, "frequency": fr}
    facts = dict(orders=int(b["orders"]), mean_order_value=float(b["mean_order_value"]),
                 median_order_value=float(b["median_order_value"]), mean_items=float(b["mean_items"]),
                 mean_lines=float(b["mean_lines"]), mean_orders_per_customer=freq_mean,
                 mean_revenue_per_customer=monetary_mean, one_order_share=float(fr.at[0, "share_of_customers"]))
    parts = [{"en": f"An order averages {facts['mean_order_value']:,.2f} (median {facts['median_order_value']:,.2f}) with "
                    f"{facts['mean_items']:.1f} items on {facts['mean_lines']:.1f} lines. A customer bought "
                    f"{freq_mean:.1f} times and spent {monetary_mean:,.2f} on average ({facts['one_order_share']:.1%} "
                    f"only once) — How much is the F (frequency) and M (monetary) of RFM.",
              "zh": f"平均每单 {facts['mean_order_value']:,.2f}（中位数 {facts['median_order_value']:,.2f}），"
                    f"{facts['mean_items']:.1f} 件、{facts['mean_lines']:.1f} 个商品行。每位客户平均购买 {freq_mean:.1f} 次、"
                    f"消费 {monetary_mean:,.2f}（{facts['one_order_share']:.1%} 只买过一次）——买多少就是 RFM 中的"
                    f" F（消费频率）和 M（消费金额）。"}[lang]]
    if "unit_price" in q.cols:
        # lines per distinct unit price: quartiles of the line prices without fetching the lines
        prices = q.run(t.group_by("unit_price").aggregate(lines=t.count(), quantity=t.quantity.sum(),
                                                          revenue=t.amount.sum()))
        prices = prices.sort_values("unit_price").reset_index(drop=True)
        pb, pedges = _banded(prices, "unit_price", "lines", ["lines", "quantity", "revenue"], "price_band")
        pb["share_of_lines"] = _share(pb["lines"].astype(float))
        pb["revenue_share"] = _share(pb["revenue"])
        tables["price_bands"] = pb
        top = pb.sort_values(["revenue_share"], ascending=False, kind="stable").iloc[0]
        facts.update(median_unit_price=float(pedges[min(1, len(pedges) - 1)]),
                     top_revenue_price_band=top["price_band"], top_revenue_price_band_share=float(top["revenue_share"]))
        parts.append({"en": f"Half of the lines are priced below about {facts['median_unit_price']:,.2f}; the "
                            f"{top['price_band']} band brings the most revenue ({top['revenue_share']:.1%}).",
                      "zh": f"约一半商品行的单价低于 {facts['median_unit_price']:,.2f}；单价 {top['price_band']} 区间贡献的"
                            f"销售额最多（{top['revenue_share']:.1%}）。"}[lang])
    return tables, facts, ("" if lang == "zh" else " ").join(parts)


def _how(q: _Q, lang: str) -> tuple[dict, dict, str]:
    keys = [c for c in ("channel", "payment") if c in q.cols]
    if not keys:
        return {}, {}, ""
    t = q.t()
    mix = q.run(t.group_by(keys).aggregate(orders=t.order_id.nunique(), revenue=t.amount.sum()))
    for k in keys:
        mix[k] = mix[k].astype("str")
    mix = mix.sort_values(keys).reset_index(drop=True)
    mix["share_of_orders"] = _share(mix["orders"].astype(float))
    tables = {"mix": mix}
    facts, parts = {}, []
    if "payment" in keys:
        pay = mix.groupby("payment")["orders"].sum().sort_index().sort_values(ascending=False, kind="stable")
        facts.update(top_payment=pay.index[0], top_payment_share=float(pay.iloc[0] / pay.sum()))
        pv = _v(pay.index[0], lang)
        parts.append({"en": f"{pv} is the most used payment ({facts['top_payment_share']:.1%} of orders).",
                      "zh": f"最常用的支付方式是{pv}（占订单 {facts['top_payment_share']:.1%}）。"}[lang])
    if len(keys) == 2:
        within = mix.assign(s=mix["orders"] / mix.groupby("channel")["orders"].transform("sum"))
        tables["payment_by_channel"] = within.pivot(index="channel", columns="payment", values="s").fillna(0.0)
        best = within.sort_values(["s", "channel", "payment"], ascending=[False, True, True]).iloc[0]
        facts.update(most_concentrated_channel=best["channel"], its_payment=best["payment"],
                     its_payment_share=float(best["s"]))
        bc, bp = _v(best["channel"], lang), _v(best["payment"], lang)
        parts.append({"en": f"In {bc} {best['s']:.1%} of orders are paid by {bp}.",
                      "zh": f"{bc}渠道中 {best['s']:.1%} 的订单使用{bp}。"}[lang])
    elif keys == ["channel"]:
        ch = mix.sort_values(["orders", "channel"], ascending=[False, True]).iloc[0]
        facts.update(top_way=ch["channel"], top_way_share=float(ch["share_of_orders"]))
        cv = _v(ch["channel"], lang)
        parts.append({"en": f"The most used channel is {cv} ({ch['share_of_orders']:.1%} of orders); "
                            "payment is not recorded.",
                      "zh": f"最常用的下单渠道是{cv}（{ch['share_of_orders']:.1%}）；数据中没有支付方式。"}[lang])
    return tables, facts, ("" if lang == "zh" else " ").join(parts)


def _why(q: _Q, lang: str) -> tuple[dict, dict, str]:
    tables, facts, parts = {}, {}, []
    if "is_promo" in q.cols:
        t = q.t()
        t = t.mutate(promo=t.is_promo.fill_null(False))
        aggs = dict(lines=t.count(), revenue=t.amount.sum(), quantity=t.quantity.sum(),
                    customers=t.customer_id.nunique())
        if "list_price" in q.cols:
            aggs["mean_discount"] = (1 - t.unit_price / t.list_price).mean()
        pr = q.run(t.group_by("promo").aggregate(**aggs)).sort_values("promo").reset_index(drop=True)
        pr.insert(1, "label", [text("promo" if p else "regular", lang, LABELS) for p in pr["promo"]])
        pr["share_of_lines"] = _share(pr["lines"].astype(float))
        pr["revenue_share"] = _share(pr["revenue"])
        pr["units_per_line"] = pr["quantity"] / pr["lines"]
        tables["promotion"] = pr
        cs = q.customers
        if cs is None or "promo_revenue" not in cs:
            t = q.t()
            cs = q.run(t.group_by("customer_id").aggregate(
                revenue=t.amount.sum(), promo_revenue=t.amount.sum(where=t.is_promo.fill_null(False))))
        driven = pd.DataFrame({"n": [len(cs)],
                               "driven": [int((cs["promo_revenue"].fillna(0) >= 0.5 * cs["revenue"]).sum())]})
        get = lambda p, col: float(pr.loc[pr.promo == p, col].sum()) if (pr.promo == p).any() else float("nan")
        facts.update(promo_line_share=get(True, "share_of_lines"), promo_revenue_share=get(True, "revenue_share"),
                     units_per_line_promo=get(True, "units_per_line"), units_per_line_regular=get(False, "units_per_line"),
                     promotion_driven_customer_share=float(driven.at[0, "driven"] / driven.at[0, "n"]))
        parts.append({"en": f"Promotion lines are {facts['promo_line_share']:.1%} of lines and {facts['promo_revenue_share']:.1%} "
                            f"of revenue, with {facts['units_per_line_promo']:.2f} units per line against "
                            f"{facts['units_per_line_regular']:.2f} at regular price; "
                            f"{facts['promotion_driven_customer_share']:.1%} of customers spend at least half on promotions.",
                      "zh": f"促销商品行占 {facts['promo_line_share']:.1%}、销售额占 {facts['promo_revenue_share']:.1%}，"
                            f"每行 {facts['units_per_line_promo']:.2f} 件，正价为 {facts['units_per_line_regular']:.2f} 件；"
                            f"{facts['promotion_driven_customer_share']:.1%} 的客户一半以上的消费花在促销品上。"}[lang])
    if "unit_price" in q.cols and "product_id" in q.cols:
        t = q.t()
        if "list_price" in q.cols:
            ref_kind = "list_price"
            tr = t.mutate(rel=t.unit_price / t.list_price)
        else:
            ref_kind = "product median unit price"
            med = t.group_by("product_id").aggregate(ref=t.unit_price.median())
            tr = t.join(med, "product_id")
            tr = tr.mutate(rel=tr.unit_price / tr.ref)
        conds = []
        for i, (lo, hi, _) in enumerate(_REL_BANDS):
            c = ibis.literal(True)
            if lo is not None:
                c = c & (tr.rel > lo)
            if hi is not None:
                c = c & (tr.rel <= hi)
            conds.append((c, i))
        tr = tr.mutate(band=ibis.cases(*conds))
        ps = q.run(tr.group_by("band").aggregate(lines=tr.count(), quantity=tr.quantity.sum(),
                                                 revenue=tr.amount.sum(), mean_rel_price=tr.rel.mean()))
        ps = ps.set_index("band").reindex(range(len(_REL_BANDS))).reset_index(drop=True)
        ps[["lines", "quantity", "revenue"]] = ps[["lines", "quantity", "revenue"]].fillna(0)
        ps.insert(0, "relative_price", [lab for *_, lab in _REL_BANDS])
        ps["share_of_lines"] = _share(ps["lines"].astype(float))
        ps["units_per_line"] = ps["quantity"] / ps["lines"].replace(0, np.nan)
        tables["price_sensitivity"] = ps
        disc = ps.iloc[:2]
        reg = ps.iloc[2]
        facts["reference_price"] = ref_kind
        if disc["lines"].sum() > 0 and reg["lines"] > 0:
            q_d = float(disc["quantity"].sum() / disc["lines"].sum())
            p_d = float((disc["mean_rel_price"] * disc["lines"]).sum() / disc["lines"].sum())
            q_r, p_r = float(reg["units_per_line"]), float(reg["mean_rel_price"])
            # arc elasticity of units per line with respect to price (midpoint formula)
            e = ((q_d - q_r) / ((q_d + q_r) / 2)) / ((p_d - p_r) / ((p_d + p_r) / 2))
            lift = q_d / q_r - 1
            facts.update(discount_line_share=float(disc["share_of_lines"].sum()), units_lift_at_discount=lift,
                         arc_elasticity=e)
            ref_txt = {"en": "list price" if ref_kind == "list_price" else "the product's median price",
                       "zh": "标价" if ref_kind == "list_price" else "该商品的价格中位数"}[lang]
            parts.append({"en": f"On lines sold at least 5% below {ref_txt} ({facts['discount_line_share']:.1%} of lines) "
                                f"customers buy {abs(lift):.1%} {'more' if lift >= 0 else 'fewer'} units per line (arc elasticity {e:.2f}) — an association, "
                                "not a cause: who buys at a discount differs.",
                          "zh": f"价格比{ref_txt}低5%以上的商品行（占 {facts['discount_line_share']:.1%}）每行件数"
                                f"{'多' if lift >= 0 else '少'} {abs(lift):.1%}（弧弹性 {e:.2f}）——这是相关而非因果：打折时购买的顾客本身不同。"}[lang])
        else:
            parts.append({"en": "Prices hardly vary within products, so price sensitivity cannot be read from these data.",
                          "zh": "同一商品的价格几乎没有变化，无法从数据看出价格敏感度。"}[lang])
    if parts:
        parts.append({"en": "This is evidence; the reasons themselves need asking customers.",
                      "zh": "以上只是证据，真正的购买原因需要向顾客调研。"}[lang])
    return tables, facts, ("" if lang == "zh" else " ").join(parts)


def _not_answerable(key: str, missing: list[str], lang: str) -> str:
    names = [text(c, lang, LABELS) if c == TIME_OF_DAY else c for c in missing]
    miss = _cols(missing, "zh")
    q = _BY_KEY[key]
    en_miss = names[0] + " column" if len(names) == 1 else ", ".join(names[:-1]) + f" or {names[-1]} column"
    return {"en": f"Not answerable from these data: no {en_miss}. Record it, or ask customers.",
            "zh": f"现有数据无法回答“{q.zh}”：缺少{miss}列。请补充记录，或向顾客调研。"}[lang]


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
            head += {"en": f" (Partly answered: no {_cols(missing_raw, 'en')} column.)",
                     "zh": f"（部分回答：缺少{_cols(missing_raw, 'zh')}列。）"}[lang]
        if lang == "en" and head:
            head = head[0].upper() + head[1:]  # "Store is the largest channel", even when a value leads
        answers[key] = QuestionAnswer(key, row.status, tables, head, facts, missing_raw, lang)
    pgp = _pgp(answers, lang)
    return FiveW2HResult(answers, st, pgp, asof_ts, int(window_days), "excluded", lang)


# --------------------------------------------------------------------------------------------
# Plots
# --------------------------------------------------------------------------------------------


def _empty(a: QuestionAnswer, ax, lang: str, what: str = ""):
    ax = new_ax(ax)
    q = _BY_KEY[a.key]
    msg = text("no_data", lang, LABELS) + (f": {', '.join(a.missing_columns)}" if a.missing_columns else "")
    ax.text(0.5, 0.5, msg if not what else what, ha="center", va="center", transform=ax.transAxes, wrap=True)
    ax.set_axis_off()
    ax.set_title(q.zh if lang == "zh" else q.en)
    return ax


_TITLES: dict[str, dict[str, str]] = {
    "categories": {"en": "revenue share by category", "zh": "各品类销售额占比"},
    "products": {"en": "revenue share of the top products", "zh": "畅销商品销售额占比"},
    "new_returning": {"en": "new vs returning customers in the window", "zh": "观察期内的新客与老客"},
    "tiers": {"en": "customer value tiers (top 20% / next 30% / bottom 50%)", "zh": "客户价值分层（前20% / 中间30% / 后50%）"},
    "heatmap": {"en": "orders by weekday and hour", "zh": "各星期、各时段订单数"},
    "intervals": {"en": "days between purchases", "zh": "两次购买间隔（天）"},
    "channel": {"en": "revenue share by channel", "zh": "各渠道销售额占比"},
    "region": {"en": "revenue share by region", "zh": "各区域销售额占比"},
    "frequency": {"en": "customers by orders per customer", "zh": "按购买次数分的客户占比"},
    "basket": {"en": "orders by order value", "zh": "按订单金额分的订单占比"},
    "price": {"en": "revenue by unit price band", "zh": "各单价区间销售额占比"},
    "mix": {"en": "payment mix within each channel", "zh": "各渠道的支付方式构成"},
    "ways": {"en": "share of orders by way of buying", "zh": "各购买方式的订单占比"},
    "rel_price": {"en": "units per line by price vs reference", "zh": "不同相对价格下的每行件数"},
    "promo": {"en": "units per line, promotion vs regular price", "zh": "促销与正价的每行件数"},
}


def _title(key: str, what: str, lang: str) -> str:
    q = _BY_KEY[key]
    return f"{q.zh if lang == 'zh' else q.en} — {_TITLES[what][lang]}"


def _pct_y(ax):
    """Shares on the y-axis as percentages (never 0.25)."""
    from matplotlib.ticker import PercentFormatter

    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    return ax


def _check_kind(kind, allowed):
    if kind is not None and kind not in allowed:
        raise ParameterError(f"kind={kind!r}: use one of {', '.join(map(repr, allowed))}.")


def _barh(ax, labels, values, xlabel, title, pct=True):
    import seaborn as sns

    sns.barplot(x=list(values), y=[str(x) for x in labels], ax=ax, color="#4C72B0", orient="h")
    ax.set_xlim(0, max(list(values) + [0]) * 1.18 or 1)  # room for the value labels
    for p, v in zip(ax.patches, values):
        ax.text(p.get_width(), p.get_y() + p.get_height() / 2, f" {v:.1%}" if pct else f" {v:,.0f}",
                va="center", fontsize=8)
    if pct:
        from matplotlib.ticker import PercentFormatter

        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    ax.set_title(title)
    return ax


def plot_what(a: QuestionAnswer, ax=None, lang: str = "en", kind: str | None = None):
    """Revenue share of categories (``kind="categories"``, default when present) or top products."""
    _check_kind(kind, ("categories", "products"))
    check_lang(lang)
    if not a.tables:
        return _empty(a, ax, lang)
    kind = kind or ("categories" if "categories" in a.tables else "products")
    if kind not in a.tables:
        return _empty(a, ax, lang)
    ax = new_ax(ax)
    df = a.tables[kind]
    col = "category" if kind == "categories" else ("product_name" if "product_name" in df else "product_id")
    return _barh(ax, [_v(x, lang) for x in df[col]], df["revenue_share"], text("revenue_share", lang),
                 _title("what", kind, lang))


def plot_who(a: QuestionAnswer, ax=None, lang: str = "en", kind: str | None = None):
    """New vs returning customers (share of customers and of revenue), or value tiers (``kind="tiers"``)."""
    _check_kind(kind, ("new_returning", "tiers"))
    check_lang(lang)
    if not a.tables:
        return _empty(a, ax, lang)
    ax = new_ax(ax)
    df = a.tables["value_tiers" if kind == "tiers" else "new_returning"]
    share_col = "customer_share" if "customer_share" in df else None
    long = []
    for _, r in df.iterrows():
        g = text(r["group"] if "group" in r else r["tier"], lang, LABELS)
        if share_col:
            long.append((g, text("share_of_customers", lang, LABELS), r[share_col]))
        else:
            long.append((g, text("share_of_customers", lang, LABELS), r["customers"] / df["customers"].sum()))
        long.append((g, text("revenue_share", lang), r["revenue_share"]))
    ld = pd.DataFrame(long, columns=["group", "measure", "share"])
    import seaborn as sns

    sns.barplot(data=ld, x="group", y="share", hue="measure", ax=ax)
    for p in ax.patches:
        if p.get_height() > 0:
            ax.text(p.get_x() + p.get_width() / 2, p.get_height(), f"{p.get_height():.0%}", ha="center", va="bottom", fontsize=8)
    ax.set_xlabel("")
    ax.set_ylabel(text("share", lang))
    ax.set_title(_title("who", "tiers" if kind == "tiers" else "new_returning", lang))
    _pct_y(ax)
    ax.legend(title="")
    return ax


def plot_when(a: QuestionAnswer, ax=None, lang: str = "en", kind: str | None = None):
    """Orders by weekday × hour (``kind="heatmap"``, default) or repurchase intervals (``"intervals"``)."""
    _check_kind(kind, ("heatmap", "intervals"))
    check_lang(lang)
    if not a.tables:
        return _empty(a, ax, lang)
    kind = kind or ("heatmap" if "weekday_hour" in a.tables else "intervals")
    if kind not in ("intervals",) and "weekday_hour" not in a.tables:
        return _empty(a, ax, lang, text(TIME_OF_DAY, lang, LABELS) + " — " + text("missing", lang, LABELS))
    import seaborn as sns

    if kind == "heatmap":
        ax = new_ax(ax, (9, 3.6))
        heat = a.tables["weekday_hour"].copy()
        heat.index = WEEKDAYS[lang]
        sns.heatmap(heat, ax=ax, cmap="Blues", cbar_kws={"label": text("orders", lang)})
        ax.set_xlabel(text("hour", lang, LABELS))
        ax.set_ylabel("")
        ax.set_title(_title("when", "heatmap", lang))
        return ax
    ax = new_ax(ax)
    df = a.tables["repurchase_intervals"]
    sns.barplot(x=df["days"], y=df["share"], ax=ax, color="#4C72B0")
    ax.set_xlabel(text("days", lang, LABELS))
    ax.set_ylabel(text("share", lang))
    ax.set_title(_title("when", "intervals", lang))
    _pct_y(ax)
    return ax


def plot_where(a: QuestionAnswer, ax=None, lang: str = "en", kind: str | None = None):
    """Revenue share by channel (default when present) or region."""
    _check_kind(kind, ("channel", "region"))
    check_lang(lang)
    if not a.tables:
        return _empty(a, ax, lang)
    kind = kind or ("channel" if "channel" in a.tables else "region")
    if kind not in a.tables:
        return _empty(a, ax, lang, f"{text('no_data', lang, LABELS)}: {kind}")
    ax = new_ax(ax)
    df = a.tables[kind].head(15)
    return _barh(ax, [_v(x, lang) for x in df[kind]], df["revenue_share"], text("revenue_share", lang),
                 _title("where", kind, lang))


def plot_how_much(a: QuestionAnswer, ax=None, lang: str = "en", kind: str | None = None):
    """Orders per customer (``"frequency"``, default), order value bands (``"basket"``) or price bands (``"price"``)."""
    _check_kind(kind, ("frequency", "basket", "price"))
    check_lang(lang)
    if not a.tables:
        return _empty(a, ax, lang)
    kind = kind or "frequency"
    import seaborn as sns

    ax = new_ax(ax)
    if kind == "frequency":
        df, x, y, xl = a.tables["frequency"], "orders_per_customer", "share_of_customers", "orders_per_customer"
        yl = text("share_of_customers", lang, LABELS)
    elif kind == "basket":
        df, x, y, xl = a.tables["order_value_bands"], "order_value", "share_of_orders", "order_value"
        yl = text("share_of_orders", lang, LABELS)
    else:
        if "price_bands" not in a.tables:
            return _empty(a, ax, lang)
        df, x, y, xl = a.tables["price_bands"], "price_band", "revenue_share", "price_band"
        yl = text("revenue_share", lang)
    sns.barplot(x=df[x].astype(str), y=df[y], ax=ax, color="#4C72B0")
    ax.set_xlabel(text(xl, lang, LABELS))
    ax.set_ylabel(yl)
    ax.set_title(_title("how_much", kind, lang))
    _pct_y(ax)
    return ax


def plot_how(a: QuestionAnswer, ax=None, lang: str = "en", kind: str | None = None):
    """Payment mix within each channel (stacked shares), or the one of them the data have."""
    _check_kind(kind, ("mix",))
    check_lang(lang)
    if not a.tables:
        return _empty(a, ax, lang)
    ax = new_ax(ax)
    if "payment_by_channel" in a.tables:
        tab = a.tables["payment_by_channel"].copy()
        tab.index = [_v(x, lang) for x in tab.index]
        tab.columns = [_v(x, lang) for x in tab.columns]
        tab.plot(kind="barh", stacked=True, ax=ax, colormap="tab20c", width=0.7)
        ax.set_xlabel(text("share_of_orders", lang, LABELS))
        ax.set_ylabel(text("channel", lang))
        ax.legend(title=text("payment", lang, LABELS), bbox_to_anchor=(1.0, 1.0), loc="upper left")
        from matplotlib.ticker import PercentFormatter

        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_title(_title("how", "mix", lang))
        return ax
    mix = a.tables["mix"]
    col = "payment" if "payment" in mix else "channel"
    return _barh(ax, [_v(x, lang) for x in mix[col]], mix["share_of_orders"], text("share_of_orders", lang, LABELS),
                 _title("how", "ways", lang))


def plot_why(a: QuestionAnswer, ax=None, lang: str = "en", kind: str | None = None):
    """Units per line by price relative to the reference (``"price"``, default) or promotion vs regular (``"promo"``)."""
    _check_kind(kind, ("price", "promo"))
    check_lang(lang)
    if not a.tables:
        return _empty(a, ax, lang)
    kind = kind or ("price" if "price_sensitivity" in a.tables else "promo")
    table = {"price": "price_sensitivity", "promo": "promotion"}[kind]
    if table not in a.tables:
        return _empty(a, ax, lang)
    import seaborn as sns

    ax = new_ax(ax)
    df = a.tables[table]
    x = df["relative_price"] if kind == "price" else df["promo"].map(lambda p: text("promo" if p else "regular", lang, LABELS))
    sns.barplot(x=x.astype(str), y=df["units_per_line"], ax=ax, color="#55A868")
    ax.set_xlabel(text("rel_price", lang, LABELS) if kind == "price" else "")
    ax.set_ylabel(text("qty_per_line", lang, LABELS))
    ax.set_title(_title("why", "rel_price" if kind == "price" else "promo", lang))
    return ax


PLOTS = {"what": plot_what, "who": plot_who, "when": plot_when, "where": plot_where,
         "how_much": plot_how_much, "how": plot_how, "why": plot_why}


def plot_all(result: FiveW2HResult, lang: str | None = None):
    """All seven answers on one figure (a 4 × 2 grid); returns the Figure."""
    import matplotlib.pyplot as plt

    lang = lang or result.lang
    fig, axes = plt.subplots(4, 2, figsize=(13, 15))
    for ax, key in zip(axes.flat, KEYS):
        result[key].plot(ax=ax, lang=lang)
    axes.flat[-1].set_axis_off()
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------------
# Report tables
# --------------------------------------------------------------------------------------------

#: headers of the answer tables (``crm.show(..., columns=fivew2h.COLUMNS)``), beside crmcore.labels.COLUMNS
COLUMNS: dict[str, dict[str, str]] = {
    "label": {"en": "Question", "zh": "问题"},
    "status_label": {"en": "Status", "zh": "能否回答"},
    "missing_columns": {"en": "Missing columns", "zh": "缺少的数据列"},
    "headline": {"en": "Finding", "zh": "结论"},
    "n_survey": {"en": "Sub-questions for a survey", "zh": "需调研的子问题数"},
    "text": {"en": "Sub-question", "zh": "子问题"},
    "source": {"en": "Source", "zh": "数据来源"},
    "columns": {"en": "Columns", "zh": "所需数据列"},
    "group": {"en": "Group", "zh": "客户类型"},
    "tier": {"en": "Tier", "zh": "价值层级"},
    "cumulative_share": {"en": "Cumulative share", "zh": "累计占比"},
    "customer_share": {"en": "Share of customers", "zh": "客户占比"},
    "share_of_customers": {"en": "Share of customers", "zh": "客户占比"},
    "share_of_orders": {"en": "Share of orders", "zh": "订单占比"},
    "share_of_lines": {"en": "Share of lines", "zh": "商品行占比"},
    "orders_per_customer": {"en": "Orders per customer", "zh": "人均订单数"},
    "revenue_per_customer": {"en": "Revenue per customer", "zh": "人均消费金额"},
    "days": {"en": "Days between purchases", "zh": "购买间隔（天）"},
    "intervals": {"en": "Intervals", "zh": "间隔数"},
    "order_value": {"en": "Order value", "zh": "订单金额"},
    "price_band": {"en": "Unit price band", "zh": "单价区间"},
    "relative_price": {"en": "Price vs reference", "zh": "相对参考价"},
    "units_per_line": {"en": "Units per line", "zh": "每行件数"},
    "mean_rel_price": {"en": "Mean price vs reference", "zh": "平均相对价格"},
    "dimension_label": {"en": "Dimension", "zh": "维度"},
    "metric_label": {"en": "Measure", "zh": "指标"},
    "shown": {"en": "Value", "zh": "数值"},
    "payment": {"en": "Payment", "zh": "支付方式"},
    "price_type": {"en": "Price", "zh": "价格类型"},
    "asof": {"en": "Snapshot date (asof)", "zh": "分析截止日（asof）"},
}

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


def coverage(result: FiveW2HResult, lang: str = "en") -> list[str]:
    """Sentences on what these data can and cannot answer (counted from the status table, not assumed)."""
    check_lang(lang)
    st = result.status_table.set_index("question")["status"]
    groups = {s: [k for k in KEYS if st[k] == s] for s in (ANSWERABLE, PARTLY, NOT_ANSWERABLE)}
    sep = "、" if lang == "zh" else ", "
    names = {s: sep.join(_BY_KEY[k].zh if lang == "zh" else _BY_KEY[k].en for k in ks) for s, ks in groups.items()}
    n = {s: len(ks) for s, ks in groups.items()}
    if lang == "zh":
        parts = [f"这份数据能完整回答 7 个问题中的 {n[ANSWERABLE]} 个" + (f"（{names[ANSWERABLE]}）" if n[ANSWERABLE] else "")]
        if n[PARTLY]:
            parts.append(f"部分回答 {n[PARTLY]} 个（{names[PARTLY]}）")
        if n[NOT_ANSWERABLE]:
            parts.append(f"无法回答 {n[NOT_ANSWERABLE]} 个（{names[NOT_ANSWERABLE]}）")
        out = ["，".join(parts) + "。"]
        if n[PARTLY] or n[NOT_ANSWERABLE]:
            out.append("缺少的数据列见上表；补充记录这些字段后，报告会自动给出相应结论。")
        out.append("顾客的需求、购买角色（发起者、决策者、影响者、使用者）和购买动机不在任何交易记录中，需要通过问卷或访谈了解。")
        return out
    parts = [f"These data fully answer {n[ANSWERABLE]} of the 7 questions" + (f" ({names[ANSWERABLE]})" if n[ANSWERABLE] else "")]
    if n[PARTLY]:
        parts.append(f"partly answer {n[PARTLY]} ({names[PARTLY]})")
    if n[NOT_ANSWERABLE]:
        parts.append(f"cannot answer {n[NOT_ANSWERABLE]} ({names[NOT_ANSWERABLE]})")
    out = ["; ".join(parts) + "."]
    if n[PARTLY] or n[NOT_ANSWERABLE]:
        out.append("The table above names the missing columns; once they are recorded the report answers those "
                   "questions too.")
    out.append("Needs, buying roles (initiator, decider, influencer, user) and motives are in no transaction file: "
               "ask customers in a survey or interviews.")
    return out


def actions(result: FiveW2HResult, lang: str = "en") -> list[str]:
    """Recommended actions, each tied to a number of the answers (none is said when its number is missing)."""
    check_lang(lang)
    zh = lang == "zh"
    out: list[str] = []
    who, when = result["who"].facts, result["when"].facts
    one = who.get("one_time_share")
    med = when.get("median_interval_days")
    if one is not None and one >= 0.2 and med is not None and not math.isnan(med):
        out.append(f"{one:.1%} 的客户只买过一次：在首购后约 {med:.0f} 天（再购间隔中位数）内安排第二次购买的触达。" if zh else
                   f"{one:.1%} of customers bought only once: follow up a first purchase within about {med:.0f} days "
                   "(the median repurchase interval) to win the second one.")
    top20 = who.get("top20_revenue_share")
    if top20 is not None and top20 >= 0.6:
        out.append(f"前20%客户贡献 {top20:.1%} 的销售额：优先维护这批客户（专属服务、会员权益），并监控他们是否流失。" if zh else
                   f"The top 20% of customers bring {top20:.1%} of revenue: look after them first (service, member "
                   "benefits) and watch them for churn.")
    if "peak_slot" in when:
        wd, hh = when["peak_slot"].split(" ")
        slot = f"{WEEKDAYS[lang][WEEKDAYS['en'].index(wd)]} {hh}"
        out.append(f"把营销推送和人手安排集中在订单高峰 {slot} 前后。" if zh else
                   f"Time campaigns and staffing around the order peak, {slot}.")
    missing = sorted({c for k in KEYS for c in result[k].missing_columns})
    if missing:
        out.append(f"开始记录{_cols(missing, 'zh')}，以便回答目前无法回答的问题。" if zh else
                   f"Start recording {_cols(missing, 'en')} so the questions these data cannot answer get answered.")
    out.append("用一份简短问卷了解顾客的需求、购买角色和购买动机——交易数据回答不了“为什么”。" if zh else
               "Run a short customer survey on needs, buying roles and motives — transactions cannot say why.")
    return out


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
    if lang == "zh":
        return [f"数据中有 {n:,} 行退货（金额 {value:,.2f}，相当于销售额的 {share:.1%}），各项结论均不计入退货行；"
                "但被退货的原始销售仍计入，因此销售额是未扣除退货的毛销售额，一笔被整单取消的大订单也可能排在商品榜首。"]
    return [f"The data hold {n:,} return lines ({value:,.2f}, {share:.1%} of sales value); the answers leave them out, "
            "but the sales they cancel still count — totals are gross of returns, and a large cancelled order can still "
            "top the product list."]
