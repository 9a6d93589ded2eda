"""Benchmark crmcore.rfm: rfm_table + score on synthetic lines.

1. 10M rows in a pandas DataFrame: crmcore ``rfm_table`` + ``score`` vs hand-written DuckDB SQL
   of the same aggregation (target ≤ 1.5×), vs a plain pandas groupby of it, and ``btyd_summary``
   vs lifetimes' ``summary_data_from_transaction_data`` (run in a throwaway venv given by
   ``--lifetimes-python`` if lifetimes is installed there; lifetimes is not a crmcore dependency).
2. 100M rows scanned from Parquet files (written in chunks under bench/_data/, gitignored):
   wall time and peak RSS of a child process (target < 4 GB).

Run:  .venv/bin/python bench/bench_rfm.py [--rows 10000000] [--big-rows 100000000]
                                          [--lifetimes-python /tmp/ltvenv/bin/python]
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "_data"
ASOF = "2025-01-01"
sys.path.insert(0, str(ROOT))

GEN_SQL = """
COPY (
  SELECT
    'C' || lpad(CAST(hash(o) % {customers} AS VARCHAR), 8, '0')              AS customer_id,
    'O' || CAST(o AS VARCHAR)                                               AS order_id,
    TIMESTAMP '2022-01-01' + to_seconds(CAST(hash(o * 7) % (3 * 365 * 86400) AS BIGINT)) AS order_date,
    'P' || CAST(hash(i) % 5000 AS VARCHAR)                                  AS product_id,
    CAST(CASE WHEN ret THEN -1 ELSE 1 END * (1 + hash(i * 3) % 5) AS BIGINT) AS quantity,
    price                                                                   AS unit_price,
    CASE WHEN ret THEN -1 ELSE 1 END * (1 + hash(i * 3) % 5) * price        AS amount,
    hash(i * 11) % 5 = 0                                                    AS is_promo,
    ret                                                                     AS is_return
  FROM (SELECT i, i // 4 AS o, hash((i // 4) * 13) % 50 = 0 AS ret,
               round(1 + (hash(i * 5) % 10000) / 100.0, 2) AS price
        FROM range({start}, {stop}) t(i))
) TO '{path}' (FORMAT PARQUET, ROW_GROUP_SIZE 1000000)
"""

# The fastest formulation found by hand: lines → orders → customers (a COUNT(DISTINCT order_id)
# over the lines and a second pass for the largest order, joined back, is about twice as slow).
HAND_SQL = """
WITH w AS (SELECT *, NOT (is_return OR amount < 0) AS buy FROM {t} WHERE order_date < TIMESTAMP '{asof}'),
hp AS (SELECT quantile_cont(unit_price, 0.8) AS q FROM w WHERE buy),
o AS (
  SELECT customer_id, order_id,
         min(order_date) FILTER (WHERE buy) AS d0, max(order_date) FILTER (WHERE buy) AS d1,
         count(*) FILTER (WHERE buy) AS n, sum(amount) FILTER (WHERE buy) AS s,
         sum(amount) FILTER (WHERE NOT buy) AS r,
         sum(amount) FILTER (WHERE buy AND is_promo) AS ps,
         sum(amount) FILTER (WHERE buy AND unit_price >= (SELECT q FROM hp)) AS hs
  FROM w GROUP BY customer_id, order_id)
SELECT customer_id, min(d0) AS first_purchase, max(d1) AS last_purchase,
       count(*) FILTER (WHERE n > 0) AS orders,
       count(DISTINCT CAST(d0 AS DATE)) FILTER (WHERE n > 0) AS purchase_days,
       sum(n) AS lines, sum(s) AS spend, -sum(r) AS returned, max(s) AS max_purchase,
       sum(ps) AS promo_spend, sum(hs) AS high_price_spend
FROM o GROUP BY customer_id HAVING sum(n) > 0 ORDER BY customer_id
"""

# lifetimes' summary written by hand: one row per customer and purchase day, then per customer
BTYD_SQL = """
WITH p AS (SELECT customer_id, CAST(order_date AS DATE) AS d, sum(amount) AS v FROM {t}
           WHERE order_date < TIMESTAMP '{asof}' AND NOT is_return AND amount >= 0 GROUP BY 1, 2)
SELECT customer_id, min(d) AS first, max(d) AS last, count(*) - 1 AS frequency,
       (sum(v) - arg_min(v, d)) / greatest(count(*) - 1, 1) AS monetary_value
FROM p GROUP BY customer_id ORDER BY customer_id
"""

LIFETIMES_CHILD = r"""
import sys, time, json
import pandas as pd
from lifetimes.utils import summary_data_from_transaction_data
df = pd.read_parquet(sys.argv[1], columns=["customer_id", "order_date", "amount"])
df = df[df["amount"] >= 0]
import lifetimes
t0, c0 = time.perf_counter(), time.process_time()
s = summary_data_from_transaction_data(df, "customer_id", "order_date", monetary_value_col="amount",
                                       observation_period_end=sys.argv[2], freq="D")
print(json.dumps({"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, "customers": len(s),
                  "version": lifetimes.__version__}))
"""


def write_parquet(path: Path, rows: int, customers: int, chunk: int = 10_000_000) -> list[Path]:
    """Synthetic canonical lines (≈4 lines per order, 2% return orders) in Parquet chunks."""
    import duckdb

    path.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    files = []
    for k, start in enumerate(range(0, rows, chunk)):
        f = path / f"part-{k:03d}.parquet"
        if not f.exists():
            con.execute(GEN_SQL.format(customers=customers, start=start, stop=min(start + chunk, rows), path=f))
        files.append(f)
    return files


class T:
    """Best wall-clock and process CPU seconds (all DuckDB threads) over the repeats.

    The machine this runs on may be shared; CPU time is the steadier figure there."""

    def __init__(self, wall: float, cpu: float):
        self.wall, self.cpu = wall, cpu

    def __str__(self) -> str:
        return f"{self.wall:7.2f} s wall {self.cpu:7.2f} s CPU"


def timed(fn, repeat: int = 2):
    wall = cpu = float("inf")
    out = None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        wall, cpu = min(wall, time.perf_counter() - w), min(cpu, time.process_time() - c)
    return T(wall, cpu), out


def pandas_groupby(df):
    """The same per-customer aggregation written in plain pandas (what pandas-only tools do)."""
    import pandas as pd

    w = df[df["order_date"] < pd.Timestamp(ASOF)]
    buy = w[~(w["is_return"] | (w["amount"] < 0))]
    q = buy["unit_price"].quantile(0.8)
    g = buy.groupby("customer_id")
    out = pd.DataFrame({
        "first_purchase": g["order_date"].min(), "last_purchase": g["order_date"].max(),
        "orders": g["order_id"].nunique(), "purchase_days": buy["order_date"].dt.normalize().groupby(buy["customer_id"]).nunique(),
        "lines": g.size(), "spend": g["amount"].sum(),
        "promo_spend": buy["amount"].where(buy["is_promo"], 0).groupby(buy["customer_id"]).sum(),
        "high_price_spend": buy["amount"].where(buy["unit_price"] >= q, 0).groupby(buy["customer_id"]).sum(),
        "max_purchase": buy.groupby(["customer_id", "order_id"])["amount"].sum().groupby(level=0).max(),
    })
    return out


def bench_memory(args) -> None:
    import pandas as pd

    from crmcore import engine, rfm

    print(f"## {args.rows:,} rows in memory")
    files = write_parquet(DATA / f"tx_{args.rows}", args.rows, customers=max(args.rows // 20, 1000))
    t0 = time.perf_counter()
    df = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    print(f"data: {len(df):,} lines, {df['customer_id'].nunique():,} customers (loaded in {time.perf_counter() - t0:.1f} s)")

    t_crm, s = timed(lambda: rfm.score(rfm.rfm_table(df, asof=ASOF)))
    t_tab, tab = timed(lambda: rfm.rfm_table(df, asof=ASOF))
    con = engine.backend().con

    def hand(sql):
        con.register("bench_tx", df)
        try:
            return con.execute(sql.format(t="bench_tx", asof=ASOF)).df()
        finally:
            con.unregister("bench_tx")

    t_sql, ref = timed(lambda: hand(HAND_SQL))
    assert len(ref) == len(tab), (len(ref), len(tab))
    for c in ("orders", "purchase_days", "lines"):
        assert (ref[c].to_numpy() == tab[c].to_numpy()).all(), c
    assert abs(ref["spend"].to_numpy() - tab["spend"].to_numpy()).max() < 1e-6
    t_bsql, bref = timed(lambda: hand(BTYD_SQL))
    t_pd, _ = timed(lambda: pandas_groupby(df), repeat=1)
    t_btyd, b = timed(lambda: rfm.btyd_summary(df, asof=ASOF), repeat=1)
    assert (bref["frequency"].to_numpy() == b["frequency"].to_numpy()).all()
    print(f"crmcore rfm_table + score        {t_crm}  ({len(s.table):,} customers)")
    print(f"crmcore rfm_table alone          {t_tab}")
    print(f"hand-written DuckDB SQL          {t_sql}")
    print(f"   → crmcore (table + score) / SQL = {t_crm.wall / t_sql.wall:.2f}× wall, {t_crm.cpu / t_sql.cpu:.2f}× CPU "
          f"(table alone {t_tab.wall / t_sql.wall:.2f}× / {t_tab.cpu / t_sql.cpu:.2f}×); target ≤ 1.5×")
    print(f"plain pandas groupby             {t_pd}  → pandas / crmcore = {t_pd.wall / t_crm.wall:.1f}× wall, "
          f"{t_pd.cpu / t_crm.cpu:.1f}× CPU")
    print(f"crmcore btyd_summary             {t_btyd}")
    print(f"hand-written DuckDB SQL of it    {t_bsql}  → btyd_summary / SQL = {t_btyd.wall / t_bsql.wall:.2f}× wall")
    if args.lifetimes_python:
        res = subprocess.run([args.lifetimes_python, "-c", LIFETIMES_CHILD, str(files[0].parent), "2024-12-31"],
                             capture_output=True, text=True)
        if res.returncode == 0:
            lt = json.loads(res.stdout.strip().splitlines()[-1])
            print(f"lifetimes summary_data_from_transaction_data {lt['seconds']:7.2f} s wall {lt['cpu']:7.2f} s CPU "
                  f"({lt['customers']:,} customers; separate process, lifetimes {lt['version']})")
            print(f"   → lifetimes / crmcore rfm_table+score = {lt['seconds'] / t_crm.wall:.1f}× wall, "
                  f"{lt['cpu'] / t_crm.cpu:.1f}× CPU; / btyd_summary = {lt['seconds'] / t_btyd.wall:.1f}× wall, "
                  f"{lt['cpu'] / t_btyd.cpu:.1f}× CPU (target ≥ 20×); / hand-written SQL of the summary = "
                  f"{lt['seconds'] / t_bsql.wall:.1f}×, of the RFM table = {lt['seconds'] / t_sql.wall:.1f}× wall")
        else:
            print("lifetimes could not be run:", res.stderr.strip().splitlines()[-1:] or res.stdout[-300:])


def big_child(path: str, memory_limit: str) -> None:
    from crmcore import engine, rfm

    con = engine.backend()
    if memory_limit:
        con.raw_sql(f"SET memory_limit = '{memory_limit}'")
    con.raw_sql("SET preserve_insertion_order = false")
    t = con.read_parquet(f"{path}/*.parquet")
    t0, c0 = time.perf_counter(), time.process_time()
    s = rfm.score(rfm.rfm_table(t, asof=ASOF))
    print(json.dumps({"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, "customers": len(s.table),
                      "rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6}))  # Linux: kB


def bench_big(args) -> None:
    print(f"## {args.big_rows:,} rows from Parquet")
    t0 = time.perf_counter()
    files = write_parquet(DATA / f"tx_{args.big_rows}", args.big_rows, customers=args.big_rows // 50)
    size = sum(f.stat().st_size for f in files)
    print(f"parquet: {len(files)} files, {size / 1e9:.2f} GB (ready in {time.perf_counter() - t0:.0f} s)")
    res = subprocess.run([sys.executable, __file__, "--child-big", str(files[0].parent), "--memory-limit", args.memory_limit],
                         capture_output=True, text=True)
    if res.returncode != 0:
        print("FAILED:", res.stderr[-2000:])
        return
    out = json.loads(res.stdout.strip().splitlines()[-1])
    rss = out["rss_gb"]  # the child's own peak, not other children's (lifetimes runs in one too)
    print(f"crmcore rfm_table + score        {out['seconds']:7.1f} s wall {out['cpu']:7.1f} s CPU ({out['customers']:,} customers), "
          f"peak RSS {rss:.2f} GB (target < 4 GB; DuckDB memory_limit {args.memory_limit or 'crmcore default ' + __import__('crmcore.engine', fromlist=['x']).DEFAULT_MEMORY_LIMIT})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--big-rows", type=int, default=100_000_000)
    ap.add_argument("--skip-big", action="store_true")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--lifetimes-python", default="")
    ap.add_argument("--memory-limit", default="", help="DuckDB memory_limit; empty means crmcore's default cap")
    ap.add_argument("--child-big", default="")
    args = ap.parse_args()
    if args.child_big:
        big_child(args.child_big, args.memory_limit)
        return
    import warnings

    warnings.filterwarnings("ignore")
    # the 100M child runs first: a child forked from a parent holding a 10M-row frame starts with
    # the parent's resident pages counted in its own peak RSS
    if not args.skip_big:
        bench_big(args)
    if not args.skip_memory:
        bench_memory(args)


if __name__ == "__main__":
    main()
