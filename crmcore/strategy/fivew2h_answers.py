"""The seven 5W2H answers of crmcore.fivew2h, each aggregated in the engine from the filtered transactions.

Each ``_what`` … ``_why`` takes the :class:`_Q` of one ``answer()`` call (the Ibis table of the lines before
``asof``, returns left out) and returns ``(tables, facts, headline)``: small pandas tables, the numbers as plain
values, and a headline in the answer's language, written by :mod:`crmcore.strategy.fivew2h_text` from the numbers.
"""
from __future__ import annotations

import math
from typing import Any

import ibis
import numpy as np
import pandas as pd

from crmcore import engine
from crmcore.labels import WEEKDAYS, text
from crmcore.strategy import fivew2h_text
from crmcore.strategy.fivew2h_text import LABELS, NOTES, _v


_INTERVAL_BINS = [(1, 7), (8, 14), (15, 30), (31, 60), (61, 90), (91, 180), (181, 365), (366, None)]
_FREQ_BINS = [(1, 1), (2, 2), (3, 5), (6, 10), (11, 20), (21, None)]
#: relative price (unit price / reference price) bands for price sensitivity
_REL_BANDS = [(None, 0.80, "≤ 0.80"), (0.80, 0.95, "0.80–0.95"), (0.95, 1.05, "0.95–1.05"), (1.05, None, "> 1.05")]


def _label(lo, hi) -> str:
    if hi is None:
        return f"{lo}+"
    return f"{lo}" if lo == hi else f"{lo}–{hi}"


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
        parts.append(fivew2h_text.what_categories(top_cat, tied, facts, k, len(cat), lang))
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
    parts.append(fivew2h_text.what_products(name, n_tied, facts, n, len(prod), lang))
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
    head = fivew2h_text.who_headline(q.asof, window_days, facts, n_new, n_ret, n, one_time, lang)
    history = (start - data_start).days
    if history < window_days:
        # left-censoring: customers who bought before the data begin look new
        facts["history_before_window_days"] = max(history, 0)
        head += fivew2h_text.who_caution(data_start, history, lang)
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
        parts.append(fivew2h_text.when_peak(wd, h, slot, facts, lang))
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
        parts.append(fivew2h_text.when_repurchase(med, within30, n_gaps, facts, lang))
    else:
        facts.update(repurchase_intervals=0)
        parts.append(NOTES["no_repurchase"][lang])
    if not has_time:
        parts.append(NOTES["no_time"][lang])
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
        parts.append(fivew2h_text.where_part(top_v, hi_v, hi[col] == df.at[0, col], aov, lab,
                                             float(df.at[0, 'revenue_share']), len(df), lang))
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
    parts = [fivew2h_text.how_much_basket(facts, freq_mean, monetary_mean, lang)]
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
        parts.append(fivew2h_text.how_much_price(facts, top, lang))
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
        parts.append(fivew2h_text.how_payment(pv, facts, lang))
    if len(keys) == 2:
        within = mix.assign(s=mix["orders"] / mix.groupby("channel")["orders"].transform("sum"))
        tables["payment_by_channel"] = within.pivot(index="channel", columns="payment", values="s").fillna(0.0)
        best = within.sort_values(["s", "channel", "payment"], ascending=[False, True, True]).iloc[0]
        facts.update(most_concentrated_channel=best["channel"], its_payment=best["payment"],
                     its_payment_share=float(best["s"]))
        bc, bp = _v(best["channel"], lang), _v(best["payment"], lang)
        parts.append(fivew2h_text.how_channel_payment(bc, bp, best, lang))
    elif keys == ["channel"]:
        ch = mix.sort_values(["orders", "channel"], ascending=[False, True]).iloc[0]
        facts.update(top_way=ch["channel"], top_way_share=float(ch["share_of_orders"]))
        cv = _v(ch["channel"], lang)
        parts.append(fivew2h_text.how_channel(cv, ch, lang))
    return tables, facts, ("" if lang == "zh" else " ").join(parts)


def _why(q: _Q, lang: str) -> tuple[dict, dict, str]:
    tables, facts, parts = {}, {}, []
    if "is_promo" in q.cols:
        t = q.t()
        t = t.mutate(promo=t.is_promo.fill_null(False))
        aggs = dict(lines=t.count(), revenue=t.amount.sum(), quantity=t.quantity.sum(),
                    customers=t.customer_id.nunique())
        if "list_price" in q.cols and "unit_price" in q.cols:
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
        parts.append(fivew2h_text.why_promo(facts, lang))
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
            parts.append(fivew2h_text.why_price(ref_kind, facts, lift, e, lang))
        else:
            parts.append(NOTES["prices_flat"][lang])
    if parts:
        parts.append(NOTES["evidence_only"][lang])
    return tables, facts, ("" if lang == "zh" else " ").join(parts)
