"""ABC classification, Pareto/Lorenz curve and the long tail (ABC 分类、帕累托曲线、长尾).

Items (customers, products or categories) are sorted by value, largest first. Tied values always
share a class (no dependence on row order). The item whose share *crosses* a cut-off (80 %, 95 %)
belongs to one side or the other, and both conventions are in use (``crossing``):

* ``"upper"`` (default): the class is decided by the share held by items with a **strictly larger**
  value (``start``): A while ``start < a``, B while ``start < a + b``, else C. The crossing item
  joins the upper class, so A is the *smallest* set of items that reaches 80 % of revenue — the
  "vital few" reading of Juran's Pareto principle, and what a manager who asks "which customers
  make up 80 % of sales?" means.
* ``"lower"``: the class is decided by the cumulative share *including* the item (``cum_share``,
  taken at the end of its tie group): A while ``cum_share ≤ a``, B while ``cum_share ≤ a + b``,
  else C. The crossing item falls to the lower class, so A is the *largest* set whose share stays
  within 80 % — the rule "cumulative % ≤ 80 → A" of many inventory textbooks and spreadsheet
  templates. A can then be empty (one item above 80 %).

Example, values 50, 40, 10 (cumulative 50 %, 90 %, 100 %; shares 80/15/5): ``"upper"`` gives
A = {50, 40} (the 40 crosses 80 %), B = {10} (it starts at 90 % < 95 %), C empty; ``"lower"``
gives A = {50}, B = {40} (90 % ≤ 95 %), C = {10}.

Gini coefficient G = 1 − 2·(area under the Lorenz curve), the Lorenz curve being the
cumulative share of value against the cumulative share of items sorted from smallest to largest
(trapezoid rule). Long-tail share: the value share of the items outside the top ``head`` share
of items (Anderson 2006).

References
----------
Juran, J. M. (1951). *Quality Control Handbook* (the Pareto principle, "vital few").
Anderson, C. (2006). *The Long Tail*. Hyperion.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from crmcore import engine
from crmcore.errors import DataError, DomainError, ParameterError, data_error
from crmcore.labels import Catalogue, check_lang, text
from crmcore.results import Result, SentenceResult

CROSSING = ("upper", "lower")

LABELS = Catalogue("abc.labels", {
    "A": {"en": "A (vital few)", "zh": "A 类 (关键少数)"},
    "B": {"en": "B", "zh": "B 类"},
    "C": {"en": "C (trivial many)", "zh": "C 类 (次要多数)"},
    "pareto": {"en": "Pareto curve", "zh": "帕累托曲线"},
    "items_share": {"en": "cumulative share of {items}", "zh": "{items}累计占比"},
    "value_share": {"en": "cumulative share of revenue", "zh": "销售额累计占比"},
    "customer_id": {"en": "customers", "zh": "客户"},
    "product_id": {"en": "products", "zh": "商品"},
    "category": {"en": "categories", "zh": "品类"},
    "equality": {"en": "equal shares", "zh": "完全均等"},
})

#: headers of :meth:`ABCResult.summary` (en / zh)
COLUMNS = Catalogue("abc.columns", {
    "class": {"en": "Class key", "zh": "类别代码"},
    "class_name": {"en": "Class", "zh": "类别"},
    "items": {"en": "Items", "zh": "个数"},
    "item_share": {"en": "Share of items", "zh": "个数占比"},
    "value": {"en": "Revenue", "zh": "销售额"},
    "value_share": {"en": "Share of revenue", "zh": "销售额占比"},
})

#: readable headers of ABCResult.to_frame(lang) (the result protocol)
_ABC_COLUMNS = Catalogue("abc.result_columns", {
    "start": {"en": "Cumulative share before", "zh": "之前的累计占比"},
    "end": {"en": "Cumulative share after", "zh": "累计占比（含本项）"},
})

#: readable headers of TwoAxisABC.to_frame(lang) (the result protocol)
_TWO_AXIS_COLUMNS = Catalogue("abc.two_axis_columns", {
    "class_x": {"en": "Class on the first axis", "zh": "第一维度类别"},
    "class_y": {"en": "Class on the second axis", "zh": "第二维度类别"},
    "cell": {"en": "Cell", "zh": "格子"},
})

#: the two-axis grid's class labels and chart titles
TWO_AXIS = Catalogue("abc.two_axis", {
    "A": {"en": "A", "zh": "A 类"},
    "B": {"en": "B", "zh": "B 类"},
    "C": {"en": "C", "zh": "C 类"},
    "title_customers": {"en": "Two-axis ABC: customers per cell", "zh": "双维度 ABC 分类：各格客户数"},
    "title_revenue": {"en": "Two-axis ABC: revenue per cell", "zh": "双维度 ABC 分类：各格销售额"},
})


def classify(values: pd.Series, *, shares: Sequence[float] = (0.8, 0.15, 0.05), crossing: str = "upper") -> pd.DataFrame:
    """ABC classes for a Series of values indexed by item id (the tie-safe rules above).

    ``crossing``: ``"upper"`` — the item that crosses a cut-off joins the upper class (A is the
    smallest set reaching ``shares[0]``); ``"lower"`` — it joins the lower class (A is the items
    whose cumulative share is at most ``shares[0]``).

    Returns a DataFrame sorted by value (desc) then id: ``value, share, cum_share, start, end, class``
    (``start``/``end``: share held by larger items / by larger and equal items).
    Items with a value ≤ 0 hold no share and are class C.
    """
    a, b, _ = _check_shares(shares)
    _check_crossing(crossing)
    v = pd.Series(values, dtype=float)
    if v.isna().any():
        bad = v[v.isna()]
        raise data_error("are missing", column="value", n_bad=len(bad), n_total=len(v),
                         examples=list(bad.head(3).items()), fix="Fill or drop them before ABC")
    if v.empty:
        raise DataError("ABC needs at least one item.")
    df = pd.DataFrame({"item": v.index.astype(str), "value": v.to_numpy()})
    df = df.sort_values(["value", "item"], ascending=[False, True], kind="stable").reset_index(drop=True)
    pos = df["value"].clip(lower=0)
    total = pos.sum()
    if total <= 0:
        raise DomainError("ABC needs a positive total: every value is zero or negative.")
    df["share"] = pos / total
    df["cum_share"] = df["share"].cumsum()
    # share held by items with a strictly larger value: identical values share a class
    g = df.groupby("value", sort=False)
    df["start"] = (g["cum_share"].transform("first") - g["share"].transform("first")).clip(lower=0)
    df["end"] = g["cum_share"].transform("last")
    if crossing == "upper":
        cls = np.where(df["start"] < a - 1e-12, "A", np.where(df["start"] < a + b - 1e-12, "B", "C"))
    else:
        cls = np.where(df["end"] <= a + 1e-12, "A", np.where(df["end"] <= a + b + 1e-12, "B", "C"))
    df["class"] = np.where(df["value"] <= 0, "C", cls)
    return df


def abc(
    data: Any,
    *,
    by: str = "customer_id",
    value: str = "revenue",
    shares: Sequence[float] = (0.8, 0.15, 0.05),
    asof: Any = None,
    lang: str = "en",
    crossing: str = "upper",
) -> ABCResult:
    """ABC classes of customers (``by="customer_id"``), products (``"product_id"``) or categories.

    ``data``: transactions (aggregated in the engine to revenue per item = sum of ``amount``, so
    net of return lines; only ``order_date < asof`` when ``asof`` is given; an item whose net is
    ≤ 0 is class C with no share), or a one-row-per-item table holding ``by`` and ``value``
    (e.g. an rfm_table with ``value="revenue"`` or ``"monetary"``). ``crossing``: see the module
    docstring (``"upper"``: A is the smallest set reaching 80 %; ``"lower"``: cumulative share ≤ 80 %).
    """
    check_lang(lang)
    sh = _check_shares(shares)
    _check_crossing(crossing)
    v = _values(data, by, value, asof)
    table = classify(v, shares=sh, crossing=crossing).rename(columns={"item": by})
    return ABCResult(table, by, value, sh, lang, crossing)


def abc_two_axis(table: pd.DataFrame, *, x: str = "frequency", y: str = "monetary",
                 shares: Sequence[float] = (0.8, 0.15, 0.05), crossing: str = "upper") -> TwoAxisABC:
    """ABC on two measures of the same customers (visit count × spend), the two-axis variant taught in
    the Chinese data-management teaching (数据化管理).

    Each axis is classified on its own cumulative share (the tie-safe rule); ``cell`` is e.g.
    ``"AB"`` = A on visits, B on spend. "AA" are the core customers, "CA" big but rare buyers,
    "AC" frequent small buyers.
    """
    sh = _check_shares(shares)
    if isinstance(table, Result):
        table = table.to_frame()
    missing = [c for c in ("customer_id", x, y) if c not in table]
    if missing:
        raise data_error(f"missing column(s) {', '.join(missing)}", source="abc_two_axis", columns=table.columns,
                         fix="Pass an rfm_table (customer_id, frequency, monetary)")
    ids = table["customer_id"].astype(str)
    cx = classify(pd.Series(table[x].to_numpy(), index=ids), shares=sh, crossing=crossing).set_index("item")["class"]
    cy = classify(pd.Series(table[y].to_numpy(), index=ids), shares=sh, crossing=crossing).set_index("item")["class"]
    out = table[["customer_id", x, y]].copy()
    out["class_x"] = cx.reindex(ids).to_numpy()
    out["class_y"] = cy.reindex(ids).to_numpy()
    out["cell"] = out["class_x"] + out["class_y"]
    return TwoAxisABC(out.reset_index(drop=True), x, y, sh)


def plot_pareto(result: ABCResult, *, ax=None, lang: str = "en"):
    """Pareto curve with the A/B boundaries and the diagonal of equal shares."""
    import matplotlib.pyplot as plt

    check_lang(lang)
    if ax is None:
        _, ax = plt.subplots()
    p = result.pareto()
    ax.plot(p["item_share"], p["value_share"], color="#4C72B0", lw=2, label=text("pareto", lang, LABELS))
    ax.plot([0, 1], [0, 1], color="grey", ls=":", lw=1, label=text("equality", lang, LABELS))
    a, b, _ = result.shares
    s = result.summary().set_index("class")
    xa = s.at["A", "item_share"]
    xb = xa + s.at["B", "item_share"]
    for xv, lab in ((xa, "A|B"), (xb, "B|C")):
        ax.axvline(xv, color="#C44E52", ls="--", lw=1)
        ax.text(xv, 0.03, f" {lab}", color="#C44E52", fontsize=8)
    items = text(result.by, lang, LABELS)
    ax.set_xlabel(LABELS["items_share"][lang].format(items=items))
    ax.set_ylabel(text("value_share", lang, LABELS))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.xaxis.set_major_formatter("{x:.0%}")
    ax.yaxis.set_major_formatter("{x:.0%}")
    ax.set_title(f"{text('pareto', lang, LABELS)} ({items})")
    ax.legend(loc="lower right")
    return ax


@dataclass(frozen=True)
class ABCResult(SentenceResult):
    """ABC classes of items with their shares; Pareto/Lorenz curves, Gini and long-tail share."""

    table: pd.DataFrame = field(repr=False)
    by: str
    value: str
    shares: tuple[float, float, float]
    lang: str = "en"
    crossing: str = "upper"
    title = "ABC analysis"
    _conventions = ("by", "value", "shares", "crossing")
    _columns = _ABC_COLUMNS

    def summary(self) -> pd.DataFrame:
        """Per class: items, share of items, value, share of value."""
        g = self.table.groupby("class")
        out = pd.DataFrame({"items": g.size(), "value": g["value"].sum()}).reindex(["A", "B", "C"], fill_value=0)
        out["items"] = out["items"].astype("int64")
        out["item_share"] = out["items"] / out["items"].sum()
        out["value_share"] = out["value"].clip(lower=0) / self.table["value"].clip(lower=0).sum()
        out.insert(0, "class_name", [text(k, self.lang, LABELS) for k in out.index])
        return out.rename_axis("class").reset_index()

    def pareto(self) -> pd.DataFrame:
        """Pareto curve: cumulative share of items (largest first) vs cumulative share of value, from (0, 0)."""
        n = len(self.table)
        return pd.DataFrame({"item_share": np.r_[0.0, np.arange(1, n + 1) / n],
                             "value_share": np.r_[0.0, self.table["cum_share"].to_numpy()]})

    def lorenz(self) -> pd.DataFrame:
        """Lorenz curve: items sorted smallest first; from (0, 0) to (1, 1)."""
        s = np.sort(self.table["share"].to_numpy())
        n = len(s)
        return pd.DataFrame({"item_share": np.r_[0.0, np.arange(1, n + 1) / n], "value_share": np.r_[0.0, np.cumsum(s)]})

    def gini(self) -> float:
        """G = 1 − 2 × area under the Lorenz curve (trapezoids); 0 = equal, → 1 = one item holds all."""
        lz = self.lorenz()
        x, y = lz["item_share"].to_numpy(), lz["value_share"].to_numpy()
        area = float(np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2))
        return 1 - 2 * area

    def long_tail(self, head: float = 0.2) -> dict[str, float]:
        """Value share of the top ``head`` share of items (the head) and of the rest (the long tail).

        The head is the first ⌈head × n⌉ items by value."""
        if not 0 < head < 1:
            raise ParameterError(f"head={head!r} must be between 0 and 1 (0.2 = the top 20% of items).")
        n = len(self.table)
        k = int(np.ceil(head * n - 1e-9))
        hs = float(self.table["share"].iloc[:k].sum())
        return {"head_items": k, "tail_items": n - k, "head_share": hs, "tail_share": 1 - hs}

    def _sentence_text(self, lang: str | None = None) -> str:
        """One generated sentence on the concentration."""
        lang = check_lang(lang or self.lang)
        s = self.summary().set_index("class")
        lt = self.long_tail(0.2)
        items = text(self.by, lang, LABELS)
        if s.at["A", "items"] == 0:
            top = self.table.iloc[0]
            if lang == "zh":
                return (f"按“累计占比不超过 {self.shares[0]:.0%} 才算 A 类”的口径，A 类为空：销售额最高的一个{items}就占了 "
                        f"{top['share']:.1%}；前 20% 的{items}贡献 {lt['head_share']:.1%}；基尼系数 {self.gini():.2f}。")
            return (f"The A class is empty under the rule 'cumulative share at most {self.shares[0]:.0%}': the largest "
                    f"single item already holds {top['share']:.1%}; the top 20% of {items} bring "
                    f"{lt['head_share']:.1%}; Gini coefficient {self.gini():.2f}.")
        if lang == "zh":
            unit = "位" if self.by == "customer_id" else "个"
            return (f"A 类{items}共 {s.at['A', 'items']:,} {unit}（占{items}总数的 {s.at['A', 'item_share']:.1%}），"
                    f"贡献了 {s.at['A', 'value_share']:.1%} 的销售额；前 20% 的{items}贡献 {lt['head_share']:.1%}，"
                    f"长尾（其余 80%）贡献 {lt['tail_share']:.1%}；基尼系数 {self.gini():.2f}。")
        return (f"{s.at['A', 'items']:,} A-class {items} ({s.at['A', 'item_share']:.1%} of {items}) bring "
                f"{s.at['A', 'value_share']:.1%} of revenue; the top 20% of {items} bring {lt['head_share']:.1%} "
                f"and the long tail (the other 80%) {lt['tail_share']:.1%}; Gini coefficient {self.gini():.2f}.")

    def plot(self, ax=None, lang: str | None = None):
        return plot_pareto(self, ax=ax, lang=lang or self.lang)


@dataclass(frozen=True)
class TwoAxisABC(Result):
    """The two-axis variant (数据化管理): an ABC class on visits and one on spend; the 3×3 grid of customers."""

    table: pd.DataFrame = field(repr=False)
    x: str
    y: str
    shares: tuple[float, float, float]
    title = "Two-axis ABC"
    _conventions = ("x", "y", "shares")
    _columns = _TWO_AXIS_COLUMNS

    def grid(self, what: str = "customers") -> pd.DataFrame:
        """Customers (or ``"revenue"``) per (x class, y class) cell; rows = x class."""
        if what == "customers":
            g = pd.crosstab(self.table["class_x"], self.table["class_y"])
        else:
            g = self.table.pivot_table(index="class_x", columns="class_y", values=self.y, aggfunc="sum")
        return g.reindex(index=["A", "B", "C"], columns=["A", "B", "C"], fill_value=0).fillna(0)

    def interpret(self, lang: str = "en") -> list[str]:
        """How many customers are A on both axes (the core to keep) and C on both (the long tail)."""
        lang = check_lang(lang)
        from crmcore.labels import column

        g = self.grid()
        n = int(g.to_numpy().sum())
        aa, cc = int(g.loc["A", "A"]), int(g.loc["C", "C"])
        x, y = column(self.x, lang, COLUMNS), column(self.y, lang, COLUMNS)
        if lang == "zh":
            return [f"{n:,} 位客户中，{x}和{y}都属 A 类的有 {aa:,} 位（{aa / n:.1%}），是要重点维护的核心客户；"
                    f"两项都属 C 类的有 {cc:,} 位（{cc / n:.1%}）。"]
        return [f"Of {n:,} customers, {aa:,} ({aa / n:.1%}) are class A on both {x.lower()} and {y.lower()} — the core "
                f"to keep — and {cc:,} ({cc / n:.1%}) are class C on both."]

    def plot(self, ax=None, lang: str = "en", what: str = "customers"):
        """The 3×3 grid as an annotated heatmap (customers, or ``what="revenue"``)."""
        import seaborn as sns

        from crmcore.plotting import new_ax

        lang = check_lang(lang)
        ax = new_ax(ax)
        g = self.labelled_grid(lang, what)
        sns.heatmap(g, annot=True, fmt=",.0f", cmap="Blues", cbar=False, ax=ax)
        ax.set_title(TWO_AXIS["title_customers" if what == "customers" else "title_revenue"][lang])
        return ax

    def labelled_grid(self, lang: str = "en", what: str = "customers") -> pd.DataFrame:
        """:meth:`grid` with readable row and column labels in ``lang`` (rows: x class, columns: y class)."""
        check_lang(lang)
        from crmcore.labels import column

        g = self.grid(what)
        g.index = [f"{column(self.x, lang)}: {TWO_AXIS[k][lang]}" for k in g.index]
        g.columns = [f"{column(self.y, lang)}: {TWO_AXIS[k][lang]}" for k in g.columns]
        return g


# ------------------------------------------------------------------ private helpers
def _check_shares(shares: Sequence[float]) -> tuple[float, float, float]:
    try:
        a, b, c = (float(x) for x in shares)
    except (TypeError, ValueError) as e:
        raise ParameterError(f"shares={shares!r} must be three numbers (A, B, C), e.g. (0.8, 0.15, 0.05).") from e
    if min(a, b, c) <= 0 or abs(a + b + c - 1) > 1e-9:
        raise DomainError(f"shares={shares!r} must be positive and sum to 1 (they sum to {a + b + c:.6g}); "
                          "e.g. (0.8, 0.15, 0.05) or (0.7, 0.2, 0.1).")
    return a, b, c


def _check_crossing(crossing: str) -> str:
    if crossing not in CROSSING:
        raise ParameterError(f"crossing={crossing!r} is not supported; use 'upper' (the item that crosses a cut-off "
                             "joins the upper class) or 'lower' (it joins the lower class).")
    return crossing


def _values(data: Any, by: str, value: str, asof: Any) -> pd.Series:
    """Item → value, from an item table (one row per item) or from transactions via the engine."""
    if isinstance(data, Result):
        data = data.to_frame()
    if isinstance(data, pd.DataFrame) and by in data and value in data and not data[by].duplicated().any():
        return data.set_index(by)[value]
    t = engine.table(data)
    engine._check_cols(t, [by, "amount", "order_date"], f"abc(by={by!r})")
    if value != "revenue":
        raise ParameterError(f"value={value!r}: from transactions ABC uses value='revenue' (sum of amount); "
                             "pass a one-row-per-item table to use another column.")
    if asof is not None:
        t = t.filter(t.order_date < pd.Timestamp(asof))
    df = engine.execute(t.group_by(by).aggregate(revenue=t.amount.sum()), data)
    if df.empty:
        raise DataError(f"abc: no transactions{'' if asof is None else f' before asof={asof}'}.")
    return df.set_index(by)["revenue"].round(6)
