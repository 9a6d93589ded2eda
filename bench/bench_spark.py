"""Spark (local mode, through Ibis) vs the embedded DuckDB: the same crmcore calls, timed.

Run: .venv/bin/python bench/bench_spark.py [rows ...] [--repeat N] [--small]
(default: the demo data and 2,000,000 lines; ``demo`` alone: the demo data only). ``--small`` starts Spark with
crmcore's small-run settings (``engine.spark_session(small=True)``: the C1 JIT only, one GC thread, as the test
tier does); without it, the plain local session (two shuffle partitions, 2 GB driver).
Needs pyspark (the test extra) and Java 17. Prints the session start, seconds per call (best of ``--repeat``,
default 2), the ratio Spark / DuckDB, the CPU seconds of this process and of the JVM, and the machine's load
average, which matters: a busy 2-core machine slows the JVM more than DuckDB. Local Spark is expected to be
slower on one machine; its point is a cluster, not speed here.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_engine import synthetic  # noqa: E402  (same synthetic transactions as the engine bench)

from crmcore import datasets, engine, rfm  # noqa: E402

ASOF = datasets.DEMO_ASOF


def _canonical(df):
    """The engine bench's lines with the rest of the canonical columns RFM needs."""
    return df.assign(unit_price=(df["amount"] / df["quantity"]).round(4), is_return=False)


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def calls(tx):
    return {
        "customer_summary": lambda: engine.customer_summary(tx, asof=ASOF),
        "periodic_sales M": lambda: engine.periodic_sales(tx, freq="M"),
        "rfm_table + score": lambda: rfm.rfm_table(tx, asof=ASOF),
    }


def _jvm_cpu(spark) -> float:
    """CPU seconds of the driver JVM (from /proc, Linux); nan elsewhere."""
    try:
        pid = spark._session.sparkContext._jvm.java.lang.ProcessHandle.current().pid()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except Exception:
        return float("nan")


def main(argv: list[str]) -> None:
    repeat = 2
    if "--repeat" in argv:
        i = argv.index("--repeat")
        repeat = int(argv[i + 1])
        del argv[i:i + 2]
    small = "--small" in argv
    argv = [a for a in argv if a != "--small"]
    sizes = [int(a.replace("_", "")) for a in argv if a != "demo"] if argv else [2_000_000]
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    work = Path(tempfile.mkdtemp(prefix="bench-spark-"))
    t0 = time.perf_counter()
    conf = {} if small else {"spark.sql.shuffle.partitions": 2, "spark.driver.memory": "2g"}
    spark = engine.connect("spark", master="local[2]", workdir=work, conf=conf, small=small)
    print(f"Spark session start: {time.perf_counter() - t0:.1f} s (JVM, once per process; "
          f"{'small-run settings' if small else 'plain local settings'})")

    demo = datasets.load("demo")
    cases = [("demo", demo)] + [(f"{n:,} lines", _canonical(synthetic(n))) for n in sizes]
    print(f"{'data':>16} {'call':>20} {'DuckDB s':>9} {'Spark s':>9} {'ratio':>6}")
    for label, df in cases:
        path = work / f"{label.split()[0].replace(',', '')}.parquet"
        df.to_parquet(path)
        on_duck = engine.read_parquet(path)
        on_spark = engine.read_parquet(path, backend=spark)
        duck_calls, spark_calls = calls(on_duck), calls(on_spark)
        for name in duck_calls:
            d = best(duck_calls[name], repeat)
            s = best(spark_calls[name], repeat)
            print(f"{label:>16} {name:>20} {d:9.2f} {s:9.2f} {s / d:6.1f}")
        t0 = time.perf_counter()
        engine.from_pandas(df, spark)
        print(f"{label:>16} {'from_pandas (Arrow)':>20} {'':>9} {time.perf_counter() - t0:9.2f}")
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"CPU seconds: Python {sum(os.times()[:2]):.1f}, JVM {_jvm_cpu(spark):.1f}")
    spark._session.stop()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
