"""Benchmark the door: a file → validated, cleaned, scored RFM, against the SQL an analyst would write.

Targets (issue 15), each measured in one child process so its peak RSS is its own:
1. 10M lines (3 per order, string ids) in a UTF-8 CSV: crmcore ``open_transactions`` + ``clean`` +
   ``rfm_table`` + ``score`` ≤ 2× DuckDB SQL of R, F, M on the same file; ≥ 3× faster than lifetimes'
   ``read_csv`` + ``summary_data_from_transaction_data``; peak RSS ≤ 2.5 GB.
2. The same from Parquet: ≤ 1.5× the SQL on the Parquet file.
3. The same CSV in GBK: ≤ 3× the UTF-8 time.
4. ``rfm_table`` + ``score`` on an in-memory 10M-line frame of integer ids, one line per order:
   ≤ 1.5× hand-written DuckDB SQL of the same columns, ≥ 5× faster than lifetimes' summary.

lifetimes is not a crmcore dependency: give a Python that has it (a throwaway venv) with
``--lifetimes-python``, e.g. ``python -m venv /tmp/ltenv && /tmp/ltenv/bin/pip install lifetimes``.
Data are generated under bench/_data/ (gitignored). The machine may be shared: wall and CPU
seconds are both printed; the stage profile of the crmcore path shows what bounds it.

Run:  .venv/bin/python bench/bench_door.py [--rows 10000000] [--lifetimes-python /tmp/ltenv/bin/python]
"""
from __future__ import annotations

import argparse
import json
import os
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
    'C' || lpad(CAST(hash(o * 17) % {customers} AS VARCHAR), 8, '0')            AS customer_id,
    'O' || CAST(o AS VARCHAR)                                                 AS order_id,
    strftime(TIMESTAMP '2022-01-01' + to_seconds(CAST(hash(o * 7) % (3 * 365 * 86400) AS BIGINT)),
             '%Y-%m-%d %H:%M:%S')                                             AS order_date,
    'P' || CAST((hash(o) + i % 3) % 5000 AS VARCHAR)                          AS product_id,
    1 + hash(i * 3) % 5                                                       AS quantity,
    round(1 + (hash(i * 5) % 10000) / 100.0, 2)                               AS unit_price,
    round((1 + hash(i * 3) % 5) * round(1 + (hash(i * 5) % 10000) / 100.0, 2), 2) AS amount,
    ['华东', '华南', '华北', '西南', '华中'][CAST(1 + hash(o * 11) % 5 AS BIGINT)]         AS region
  FROM (SELECT i, i // 3 AS o FROM range({rows}) t(i))
) TO '{path}' (FORMAT CSV, HEADER)
"""

# the R, F, M an analyst writes by hand on the file (DuckDB infers the column types itself)
SQL_RFM = """
SELECT customer_id,
       date_diff('day', CAST(max(order_date) AS DATE), DATE '{asof}') AS recency,
       count(DISTINCT order_id) AS frequency, sum(amount) AS monetary
FROM {src} WHERE order_date < TIMESTAMP '{asof}' GROUP BY customer_id ORDER BY customer_id
"""

LIFETIMES_CHILD = r"""
import sys, time, json
t0, c0 = time.perf_counter(), time.process_time()
import pandas as pd
import lifetimes
from lifetimes.utils import summary_data_from_transaction_data
if sys.argv[1].endswith(".csv"):
    df = pd.read_csv(sys.argv[1], usecols=["customer_id", "order_date", "amount"], parse_dates=["order_date"])
else:
    df = pd.read_parquet(sys.argv[1], columns=["customer_id", "order_date", "amount"])
t1 = time.perf_counter()
s = summary_data_from_transaction_data(df, "customer_id", "order_date", monetary_value_col="amount",
                                       observation_period_end=sys.argv[2], freq="D")
print(json.dumps({"seconds": time.perf_counter() - t0, "read": t1 - t0, "summary": time.perf_counter() - t1,
                  "cpu": time.process_time() - c0, "customers": len(s), "version": lifetimes.__version__}))
"""


def make_files(rows: int) -> dict[str, Path]:
    import duckdb

    DATA.mkdir(parents=True, exist_ok=True)
    files = {"csv": DATA / f"door_{rows}.csv", "parquet": DATA / f"door_{rows}.parquet",
             "gbk": DATA / f"door_{rows}_gbk.csv", "frame": DATA / f"door_{rows}_frame.parquet"}
    con = duckdb.connect()
    if not files["csv"].exists():
        t0 = time.perf_counter()
        con.execute(GEN_SQL.format(rows=rows, customers=max(rows // 20, 1000), path=files["csv"]))
        print(f"  wrote {files['csv'].name} in {time.perf_counter() - t0:.0f} s")
    if not files["parquet"].exists():
        con.execute(f"COPY (SELECT * FROM read_csv('{files['csv']}')) TO '{files['parquet']}' (FORMAT PARQUET)")
    if not files["gbk"].exists():
        with open(files["csv"], "rb") as fi, open(files["gbk"], "wb") as fo:
            rest = b""
            for block in iter(lambda: fi.read(1 << 24), b""):
                block = rest + block
                cut = block.rfind(b"\n") + 1      # whole lines only: a block may end inside a character
                fo.write(block[:cut].decode("utf-8").encode("gbk"))
                rest = block[cut:]
            fo.write(rest.decode("utf-8").encode("gbk"))
    if not files["frame"].exists():
        # one line per order, integer ids: the worst case for lines → orders → customers
        con.execute(f"""COPY (SELECT CAST(hash(i * 17) % {max(rows // 7, 1000)} AS BIGINT) AS customer_id,
                 i AS order_id,
                 TIMESTAMP '2022-01-01' + to_seconds(CAST(hash(i * 7) % (3 * 365 * 86400) AS BIGINT)) AS order_date,
                 CAST(1 + hash(i * 3) % 5 AS BIGINT) AS quantity,
                 round(1 + (hash(i * 5) % 10000) / 100.0, 2) AS unit_price,
                 round((1 + hash(i * 3) % 5) * round(1 + (hash(i * 5) % 10000) / 100.0, 2), 2) AS amount,
                 hash(i * 11) % 5 = 0 AS is_promo, false AS is_return
            FROM range({rows}) t(i)) TO '{files['frame']}' (FORMAT PARQUET)""")
    return files


def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - w, time.process_time() - c, out


def child_file(path: str, kind: str) -> None:
    """crmcore door + clean + RFM on one file, and the hand SQL on the same file, in this process."""
    import warnings

    warnings.filterwarnings("ignore")
    from crmcore import data, engine, rfm

    con = engine.backend().con
    src = f"read_parquet('{path}')" if kind == "parquet" else f"read_csv('{path}')"
    out = {}
    if kind != "gbk":
        w, c, ref = timed(lambda: con.execute(SQL_RFM.format(src=src, asof=ASOF)).df())
        out["sql"] = [w, c]
    stages = {}
    w0, c0 = time.perf_counter(), time.process_time()

    def stage(key, fn):
        w, c, res = timed(fn)
        stages[key] = [w, c]
        return res

    t = stage("read + validate", lambda: data.open_transactions(path, asof=ASOF))
    cleaned = stage("clean (audit)", lambda: data.clean(t))
    table = stage("rfm_table", lambda: rfm.rfm_table(cleaned.transactions, asof=ASOF))
    s = stage("score", lambda: rfm.score(table))
    out["crm"] = [time.perf_counter() - w0, time.process_time() - c0]
    out["stages"] = stages
    out["customers"] = len(s.table)
    if kind != "gbk":
        mine = table.set_index("customer_id")
        assert len(ref) == len(mine), (len(ref), len(mine))
        ref = ref.set_index("customer_id")
        assert (ref["frequency"].to_numpy() == mine.loc[ref.index, "frequency"].to_numpy()).all()
        assert abs(ref["monetary"].to_numpy() - mine.loc[ref.index, "monetary"].to_numpy()).max() < 1e-6
    out["rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(json.dumps(out))


def child_frame(path: str) -> None:
    """rfm_table + score on an in-memory frame vs the hand SQL of the same columns (bench_rfm's)."""
    import warnings

    import pandas as pd

    warnings.filterwarnings("ignore")
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_rfm import HAND_SQL

    from crmcore import engine, rfm

    df = pd.read_parquet(path)
    con = engine.backend().con
    out = {}

    def hand():
        con.register("bench_tx", df)
        try:
            return con.execute(HAND_SQL.format(t="bench_tx", asof=ASOF)).df()
        finally:
            con.unregister("bench_tx")

    best = {}
    for _ in range(2):
        for key, fn in (("sql", hand), ("crm", lambda: rfm.score(rfm.rfm_table(df, asof=ASOF)))):
            w, c, res = timed(fn)
            if key not in best or w < best[key][0]:
                best[key] = [w, c]
            if key == "sql":
                ref = res
            else:
                s = res
    tab = s.table
    assert len(ref) == len(tab), (len(ref), len(tab))
    out.update(best)
    out["customers"] = len(tab)
    out["rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(json.dumps(out))


def run_child(*args) -> dict:
    res = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def lifetimes(python: str, path: Path) -> dict | None:
    if not python:
        return None
    res = subprocess.run([python, "-c", LIFETIMES_CHILD, str(path), "2024-12-31"], capture_output=True, text=True)
    if res.returncode != 0:
        print("  lifetimes could not be run:", (res.stderr.strip().splitlines() or [res.stdout[-300:]])[-1])
        return None
    return json.loads(res.stdout.strip().splitlines()[-1])


def fmt(wc) -> str:
    return f"{wc[0]:7.2f} s wall {wc[1]:7.2f} s CPU"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--lifetimes-python", default="")
    ap.add_argument("--child", nargs=2, metavar=("KIND", "PATH"))
    ap.add_argument("--only", default="csv,parquet,gbk,frame")
    args = ap.parse_args()
    if args.child:
        kind, path = args.child
        child_frame(path) if kind == "frame" else child_file(path, kind)
        return
    only = args.only.split(",")
    print(f"# the door, {args.rows:,} lines (2 shared cores; each row of figures from one child process; "
          f"load average at start {os.getloadavg()[0]:.1f})")
    files = make_files(args.rows)
    results = {}
    for kind in ("csv", "parquet", "gbk"):
        if kind not in only:
            continue
        r = results[kind] = run_child("--child", kind, str(files[kind]))
        print(f"\n## {kind.upper()} file ({files[kind].stat().st_size / 1e9:.2f} GB), {r['customers']:,} customers")
        print(f"crmcore open_transactions + clean + rfm_table + score {fmt(r['crm'])}   peak RSS {r['rss_gb']:.2f} GB"
              + ("  (target ≤ 2.5 GB)" if kind == "csv" else ""))
        print("   stages (wall / CPU s): " + ", ".join(f"{k} {v[0]:.2f} / {v[1]:.2f}" for k, v in r["stages"].items()))
        if "sql" in r:
            target = {"csv": 2.0, "parquet": 1.5}[kind]
            print(f"DuckDB SQL of R, F, M on the file                     {fmt(r['sql'])}")
            print(f"   → crmcore / SQL = {r['crm'][0] / r['sql'][0]:.2f}× wall, {r['crm'][1] / r['sql'][1]:.2f}× CPU "
                  f"(target ≤ {target}×)")
        if kind == "gbk" and "csv" in results:
            u = results["csv"]["crm"]
            print(f"   → GBK / UTF-8 = {r['crm'][0] / u[0]:.2f}× wall, {r['crm'][1] / u[1]:.2f}× CPU (target ≤ 3×)")
        if kind == "csv":
            lt = lifetimes(args.lifetimes_python, files["csv"])
            if lt:
                print(f"lifetimes read_csv + summary_data_from_transaction_data {lt['seconds']:7.2f} s wall "
                      f"{lt['cpu']:7.2f} s CPU (read {lt['read']:.1f} s, summary {lt['summary']:.1f} s; lifetimes "
                      f"{lt['version']}, separate process)")
                print(f"   → lifetimes / crmcore = {lt['seconds'] / r['crm'][0]:.1f}× wall, "
                      f"{lt['cpu'] / r['crm'][1]:.1f}× CPU (target ≥ 3×)")
    if "frame" in only:
        r = run_child("--child", "frame", str(files["frame"]))
        print(f"\n## in-memory frame, {args.rows:,} lines, integer ids, one line per order, {r['customers']:,} customers")
        print(f"crmcore rfm_table + score                             {fmt(r['crm'])}")
        print(f"hand-written DuckDB SQL of the same columns           {fmt(r['sql'])}")
        print(f"   → crmcore / SQL = {r['crm'][0] / r['sql'][0]:.2f}× wall, {r['crm'][1] / r['sql'][1]:.2f}× CPU "
              "(target ≤ 1.5×)")
        lt = lifetimes(args.lifetimes_python, files["frame"])
        if lt:
            print(f"lifetimes summary_data_from_transaction_data (frame in memory) {lt['summary']:7.2f} s wall")
            print(f"   → lifetimes / crmcore = {lt['summary'] / r['crm'][0]:.1f}× wall (target ≥ 5×)")


if __name__ == "__main__":
    main()
