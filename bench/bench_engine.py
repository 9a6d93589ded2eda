"""Per-customer summary: crmcore (Ibis on DuckDB) vs hand-written DuckDB SQL vs pandas groupby.

Run: .venv/bin/python bench/bench_engine.py [rows ...]   (default 1,000,000 and 10,000,000)
Prints seconds (best of 3) and ratios. Target: crmcore ≤ 1.5× the hand-written SQL at 10M rows.
"""
from __future__ import annotations

import sys
import time

import duckdb
import numpy as np
import pandas as pd

from crmcore import engine

ASOF = "2026-01-01"


def synthetic(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_cust = max(n // 50, 100)
    cust = rng.integers(0, n_cust, n)
    order = cust * 1000 + rng.integers(0, 40, n)  # ~40 orders per customer at most
    return pd.DataFrame({
        "customer_id": pd.array(np.char.add("C", cust.astype(str)), dtype="str"),
        "order_id": pd.array(np.char.add("O", order.astype(str)), dtype="str"),
        "order_date": (pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 3 * 365 * 24 * 60, n), unit="min"))
        .astype("datetime64[us]"),
        "quantity": rng.integers(1, 5, n),
        "amount": np.round(rng.gamma(2.0, 15.0, n), 2),
    })


SQL = f"""
with t as (select * from df where order_date < TIMESTAMP '{ASOF}'),
o as (select customer_id, order_id, sum(amount) as v from t group by 1, 2),
m as (select customer_id, max(v) as max_order_value from o group by 1)
select b.*, m.max_order_value,
       date_diff('day', cast(b.last_purchase as date), DATE '{ASOF}') as recency_days,
       date_diff('day', cast(b.first_purchase as date), DATE '{ASOF}') as tenure_days
from (select customer_id, min(order_date) first_purchase, max(order_date) last_purchase,
             count(distinct order_id) orders, count(distinct cast(order_date as date)) purchase_days,
             count(*) lines, sum(quantity) quantity, sum(amount) revenue
      from t group by 1) b join m using (customer_id) order by customer_id
"""


def pandas_summary(df: pd.DataFrame) -> pd.DataFrame:
    t = df[df.order_date < pd.Timestamp(ASOF)]
    g = t.groupby("customer_id")
    out = g.agg(first_purchase=("order_date", "min"), last_purchase=("order_date", "max"),
                orders=("order_id", "nunique"), lines=("order_id", "size"), quantity=("quantity", "sum"),
                revenue=("amount", "sum"))
    out["purchase_days"] = t.order_date.dt.normalize().groupby(t.customer_id).nunique()
    out["max_order_value"] = t.groupby(["customer_id", "order_id"]).amount.sum().groupby(level=0).max()
    return out


def best(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        res = fn()
        times.append(time.perf_counter() - t0)
    return min(times), res


def main(sizes):
    con = duckdb.connect()
    print(f"{'rows':>12} {'crmcore s':>10} {'duckdb SQL s':>13} {'pandas s':>9} {'crm/SQL':>8} {'pandas/crm':>10}")
    for n in sizes:
        df = synthetic(n)
        t_crm, r_crm = best(lambda: engine.customer_summary(df, asof=ASOF))
        con.register("df", df)
        t_sql, r_sql = best(lambda: con.sql(SQL).df())
        t_pd, r_pd = best(lambda: pandas_summary(df), repeat=1 if n > 2_000_000 else 3)
        assert len(r_crm) == len(r_sql) == len(r_pd)
        assert np.allclose(r_crm["revenue"].to_numpy(), r_sql["revenue"].to_numpy())
        print(f"{n:>12,} {t_crm:>10.3f} {t_sql:>13.3f} {t_pd:>9.3f} {t_crm / t_sql:>8.2f} {t_pd / t_crm:>10.1f}")


if __name__ == "__main__":
    main([int(a.replace("_", "")) for a in sys.argv[1:]] or [1_000_000, 10_000_000])
