"""Cleaning transactions rule by rule, in the engine, with the audit of what each rule removed."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from crmcore.door.data_lazy import _LAZY, _lazy_meta
from crmcore.door.data_read import _con, _lit, _names, _q
from crmcore.door.data_schema import PRESETS
from crmcore.errors import DataError, ParameterError
from crmcore.labels import Catalogue, check_lang, text
from crmcore.results import Result

#: the cleaning rules as the audit names them
RULE_LABELS = Catalogue("data.clean_rules", {
    "raw": {"en": "raw data", "zh": "原始数据"},
    "missing_customer": {"en": "missing customer id", "zh": "缺少客户编号"},
    "returns": {"en": "returns / cancellations", "zh": "退货/取消订单"},
    "returns_unmatched": {"en": "returns of customers with no purchase here", "zh": "无对应购买记录的退货"},
    "non_positive_price": {"en": "zero or negative price", "zh": "单价为零或负数"},
    "non_positive_quantity": {"en": "quantity ≤ 0 not a return", "zh": "非退货的数量≤0"},
    "duplicates": {"en": "exact duplicate lines", "zh": "完全重复的行"},
    "non_product": {"en": "non-product codes (postage, fees)", "zh": "非商品代码(邮费、手续费)"},
})

#: readable headers of the audit table (CleanResult.to_frame(lang))
CLEAN_COLUMNS = Catalogue("data.clean_columns", {
    "rule": {"en": "Rule", "zh": "规则"}, "step": {"en": "Step", "zh": "步骤"},
    "rows_removed": {"en": "Lines removed", "zh": "删除行数"},
    "customers_removed": {"en": "Customers removed", "zh": "删除客户数"},
    "orders_removed": {"en": "Orders removed", "zh": "删除订单数"}, "rows": {"en": "Lines left", "zh": "剩余行数"},
    "customers": {"en": "Customers left", "zh": "剩余客户数"}, "orders": {"en": "Orders left", "zh": "剩余订单数"},
})


def clean(
    tx: Any,
    *,
    returns: str = "drop",
    duplicates: str = "drop",
    non_product: tuple[str, ...] | None = None,
    lang: str = "en",
) -> CleanResult:
    """Remove rows that no analysis should count, rule by rule, and audit each rule.

    Rules, in this order: missing customer id; returns/cancellations (``returns="drop"`` removes
    them; "net" keeps them as negative lines, so sums are net of returns, but drops returns of
    customers who have no purchase in the data to net against; "keep" keeps every return);
    zero or negative unit price; quantity ≤ 0 on a line that is not a return; exact duplicate lines
    (``duplicates="drop"|"keep"``); non-product codes such as postage and bank charges
    (default: the preset's list, e.g. Online Retail's POST, M, D, BANK CHARGES...).

    The audit has, per rule, the rows, customers and orders removed and those remaining. The rules
    run in the engine; ``tx`` may be a DataFrame (the result is one) or the lazy table of
    ``load_transactions(..., lazy=True)`` (the result is a lazy table too).
    """
    if returns not in ("drop", "net", "keep"):
        raise ParameterError(f"returns={returns!r}: use 'drop', 'net' or 'keep'.")
    if duplicates not in ("drop", "keep"):
        raise ParameterError(f"duplicates={duplicates!r}: use 'drop', 'keep'.")
    is_frame = isinstance(tx, pd.DataFrame)
    columns = list(tx.columns)
    missing = [c for c in ("customer_id", "order_id", "unit_price", "quantity") if c not in columns]
    if missing:
        raise DataError(f"clean() needs canonical transactions; missing {', '.join(missing)}. "
                        "Load them with crmcore.data.load_transactions first.")
    lazy_meta = None if is_frame else _lazy_meta(tx)
    meta = tx.attrs.get("crmcore", {}) if is_frame else {k: v for k, v in (lazy_meta or {}).items()
                                                         if not k.startswith("_")}
    if non_product is None:
        non_product = tuple(PRESETS.get(meta.get("preset") or "", {}).get("non_product", ()))
    if "product_id" not in columns:
        non_product = ()
    con = _con()
    from crmcore import engine

    if is_frame:
        name = f"crm_clean_{next(_names)}"
        con.register(name, tx.assign(_rid=np.arange(len(tx), dtype="int64")))
        rel, rid = _q(name), "_rid"
    else:
        t = engine.table(tx)
        if lazy_meta is not None and "_select" in lazy_meta:
            rel = f"(SELECT {lazy_meta['_select']}, rowid AS _rowid FROM {_q(lazy_meta['_table'])})"
            rid, name = "_rowid", None
        else:
            import ibis

            rel, rid, name = f"({ibis.to_sql(t, dialect='duckdb')})", "row_number() OVER ()", None
    try:
        return _clean_sql(tx, rel, rid, columns, returns, duplicates, tuple(non_product), lang, meta, lazy_meta,
                          is_frame, text)
    finally:
        if name:
            con.unregister(name)


@dataclass(frozen=True)
class CleanResult(Result):
    """Cleaned transactions and the audit of what each rule removed."""

    transactions: Any
    audit: pd.DataFrame
    returns: str
    duplicates: str
    non_product: tuple[str, ...]
    title = "Cleaning audit"
    _conventions = ("returns", "duplicates", "non_product")
    _columns = CLEAN_COLUMNS

    def to_frame(self) -> pd.DataFrame:
        return self.audit

    def interpret(self, lang: str = "en") -> list[str]:
        """What cleaning kept, and one sentence per rule that removed rows (rules that removed none are not named)."""
        check_lang(lang)
        a = self.audit.set_index("rule")
        raw, last = a.loc["raw"], a.iloc[-1]
        n0, n1 = int(raw["rows"]), int(last["rows"])
        c0, c1 = int(raw["customers"]), int(last["customers"])
        kept = n1 / n0 if n0 else 1.0
        if lang == "zh":
            out = [f"清洗后保留 {n1:,} 行（原始 {n0:,} 行的 {kept:.1%}）、{c1:,} 位客户（原始 {c0:,} 位）。"]
        else:
            out = [f"Cleaning kept {n1:,} of {n0:,} lines ({kept:.1%}) and {c1:,} of {c0:,} customers."]
        removed = a[a["rows_removed"] > 0].drop(index="raw", errors="ignore")
        for rule, r in removed.iterrows():
            name = RULE_LABELS(rule, lang)
            share = int(r["rows_removed"]) / n0 if n0 else 0.0
            if lang == "zh":
                out.append(f"“{name}”规则删除 {int(r['rows_removed']):,} 行（{share:.1%}），"
                           f"涉及 {int(r['orders_removed']):,} 张订单。")
            else:
                n, o = int(r["rows_removed"]), int(r["orders_removed"])
                out.append(f"The rule '{name}' removed {n:,} line{'s' * (n != 1)} ({share:.1%}) "
                           f"in {o:,} order{'s' * (o != 1)}.")
        if removed.empty:
            out.append("没有任何规则删除数据：数据已经是干净的。" if lang == "zh" else
                       "No rule removed any line: the data were clean already.")
        return out

    def plot(self, ax: Any = None, lang: str = "en", **kwargs: Any):
        """Lines removed by each rule (a horizontal bar per rule)."""
        from crmcore.plotting import new_ax, use_style

        check_lang(lang)
        use_style(lang)
        ax = new_ax(ax, figsize=(7, 3.5))
        a = self.audit[self.audit["rule"] != "raw"]
        names = [RULE_LABELS(r, lang) for r in a["rule"]]
        ax.barh(names[::-1], a["rows_removed"].to_numpy()[::-1], color="C3")
        ax.set_xlabel("删除的行数" if lang == "zh" else "lines removed")
        ax.set_title("数据清洗：各规则删除的行数" if lang == "zh" else "Cleaning audit: lines removed by each rule")
        return ax


def _clean_sql(tx, rel, rid, columns, returns, duplicates, non_product, lang, meta, lazy_meta, is_frame, text):
    con = _con()
    has_ret = "is_return" in columns
    ret = "is_return" if has_ret else "false"
    rules: list[tuple[str, str]] = [("missing_customer", "customer_id IS NULL")]
    if returns == "drop":
        rules.append(("returns", ret))
    elif returns == "net":
        # a return can only be netted against the same customer's purchases in these data
        rules.append(("returns_unmatched", f"{ret} AND customer_id NOT IN (SELECT DISTINCT customer_id FROM {{base}} "
                                           f"WHERE NOT {ret} AND customer_id IS NOT NULL)"))
    rules.append(("non_positive_price", "NOT coalesce(unit_price > 0, false)"))
    rules.append(("non_positive_quantity", f"NOT coalesce(quantity > 0 OR {ret}, false)"))
    steps = [r for r, _ in rules]
    case = " ".join(f"WHEN {cond.format(base='base')} THEN {i + 1}" for i, (_, cond) in enumerate(rules))
    cols = ", ".join(_q(c) for c in columns)
    dup_known_zero = lazy_meta is not None and "_select" in lazy_meta and not lazy_meta.get("_duplicates")
    parts = [f"base AS (SELECT {cols}, {rid} AS _rid FROM {rel})",
             f"s1 AS (SELECT *, CASE {case} ELSE 0 END AS _step FROM base)"]
    last = "s1"
    if duplicates == "drop":
        steps.append("duplicates")
        k = len(steps)
        if dup_known_zero:
            pass
        else:
            parts.append(f"s2 AS (SELECT * EXCLUDE (_step), CASE WHEN _step = 0 AND row_number() OVER "
                         f"(PARTITION BY {cols}, _step = 0 ORDER BY _rid) > 1 THEN {k} ELSE _step END AS _step FROM s1)")
            last = "s2"
    if non_product:
        steps.append("non_product")
        k = len(steps)
        parts.append(f"s3 AS (SELECT * EXCLUDE (_step), CASE WHEN _step = 0 AND product_id IN "
                     f"({', '.join(map(_lit, non_product))}) THEN {k} ELSE _step END AS _step FROM {last})")
        last = "s3"
    with_sql = "WITH " + ", ".join(parts)
    # per customer and per order: the last rule it survives (0 = removed by rule 1; len(steps) = kept)
    top = len(steps)
    level = f"max(CASE WHEN _step = 0 THEN {top} ELSE _step - 1 END)"
    per_c = f"SELECT {level} AS lv FROM {last} WHERE customer_id IS NOT NULL GROUP BY customer_id"
    per_o = f"SELECT {level} AS lv FROM {last} WHERE order_id IS NOT NULL GROUP BY order_id"
    r_aggs = ", ".join(f"count(*) FILTER (WHERE _step = 0 OR _step > {k})" for k in range(top + 1))
    c_aggs = ", ".join(f"count(*) FILTER (WHERE lv >= {k})" for k in range(top + 1))
    if is_frame or not dup_known_zero or duplicates == "keep":
        # materialise the step of every row once: the audit and the result read it
        stepped = f"crm_clean_step_{next(_names)}"
        con.execute(f"CREATE TEMP TABLE {_q(stepped)} AS {with_sql} SELECT * FROM {last}")
        src = _q(stepped)
        with_sql, last = "", src
        per_c = f"SELECT {level} AS lv FROM {src} WHERE customer_id IS NOT NULL GROUP BY customer_id"
        per_o = f"SELECT {level} AS lv FROM {src} WHERE order_id IS NOT NULL GROUP BY order_id"
    else:
        stepped = None
    rows = con.execute(f"{with_sql} SELECT {r_aggs} FROM {last}").fetchone()
    custs = con.execute(f"{with_sql} SELECT {c_aggs} FROM ({per_c})").fetchone()
    orders = con.execute(f"{with_sql} SELECT {c_aggs} FROM ({per_o})").fetchone()
    names = ["raw", *steps]
    audit = pd.DataFrame({
        "rule": names, "step": [text(r, lang, RULE_LABELS) for r in names],
        "rows_removed": [0] + [rows[k - 1] - rows[k] for k in range(1, top + 1)],
        "customers_removed": [0] + [custs[k - 1] - custs[k] for k in range(1, top + 1)],
        "orders_removed": [0] + [orders[k - 1] - orders[k] for k in range(1, top + 1)],
        "rows": list(rows), "customers": list(custs), "orders": list(orders),
    })
    for c in audit.columns[2:]:
        audit[c] = audit[c].astype("int64")
    cleaned = {"returns": returns, "duplicates": duplicates}
    if is_frame:
        try:
            step = con.execute(f"SELECT _step FROM {_q(stepped)} ORDER BY _rid").fetchnumpy()["_step"]
        finally:
            con.execute(f"DROP TABLE IF EXISTS {_q(stepped)}")
        out = tx[np.asarray(step) == 0].reset_index(drop=True)
        out.attrs["crmcore"] = {**meta, "cleaned": cleaned}
        return CleanResult(out, audit, returns, duplicates, tuple(non_product))
    from crmcore import engine

    view = f"crm_door_{next(_names)}_clean"
    if stepped is not None:
        con.execute(f"CREATE TEMP VIEW {_q(view)} AS SELECT {', '.join(_q(c) for c in columns)} FROM {_q(stepped)} "
                    f"WHERE _step = 0")
        own = [stepped]
    else:
        src_view = _q(lazy_meta["_view"])
        conds = " AND ".join(f"NOT coalesce({cond.format(base=src_view)}, false)" for _, cond in rules)
        if non_product:
            conds += f" AND coalesce(product_id NOT IN ({', '.join(map(_lit, non_product))}), true)"
        con.execute(f"CREATE TEMP VIEW {_q(view)} AS SELECT {', '.join(_q(c) for c in columns)} "
                    f"FROM {src_view} WHERE {conds}")
        own = []
    base_table = lazy_meta["_table"] if lazy_meta else None
    _LAZY[view] = {**meta, "cleaned": cleaned, "_table": base_table or (own[0] if own else ""), "_own": own,
                   "_duplicates": 0, "_rows": rows[-1]}
    return CleanResult(engine.backend().table(view), audit, returns, duplicates, tuple(non_product))
