"""Choosing k on a large customer base: crmcore.cluster.choose_k for k = 2..10.

Run: .venv/bin/python bench/bench_cluster.py [customers] [--threads N]   (default 1,000,000, 1 thread)
Prints seconds for feature preparation and for choose_k (mini-batch k-means, silhouette on a
seeded sample of 10,000), the per-k table, and whether the 60 s target on 2 cores is met.
The synthetic customers have five RFM-like latent groups, so the table also shows k = 5 doing well.
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd

from crmcore import cluster as cl

TARGET_S = 60.0


def synthetic(n: int, seed: int = 0) -> pd.DataFrame:
    """n customers: recency (days), frequency (orders), monetary (spend) from 5 latent groups."""
    rng = np.random.default_rng(seed)
    # (share, mean recency days, mean orders, mean spend per order)
    groups = [(0.10, 20, 30, 120), (0.20, 60, 12, 80), (0.25, 300, 3, 60), (0.25, 700, 1.5, 40), (0.20, 40, 2, 50)]
    g = rng.choice(len(groups), size=n, p=[x[0] for x in groups])
    rec = np.array([x[1] for x in groups])[g] * rng.lognormal(0, 0.35, n)
    freq = 1 + rng.poisson(np.array([x[2] for x in groups])[g] - 1 + 0.01)
    mon = freq * np.array([x[3] for x in groups])[g] * rng.lognormal(0, 0.4, n)
    return pd.DataFrame({"customer_id": np.char.add("C", np.arange(n).astype(str)),
                         "recency": np.round(rec), "frequency": freq, "monetary": np.round(mon, 2)})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("customers", nargs="?", type=int, default=1_000_000)
    ap.add_argument("--threads", type=int, default=1, help="OpenMP/BLAS threads for the fits (default 1)")
    ap.add_argument("--sample-size", type=int, default=10_000, help="silhouette sample (default 10,000)")
    args = ap.parse_args()

    t0 = time.perf_counter()
    df = synthetic(args.customers)
    t_gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    F = cl.prepare_features(df)
    t_prep = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    kc = cl.choose_k(F, range(2, 11), model="auto", seed=0, sample_size=args.sample_size, threads=args.threads)
    t_k, cpu_k = time.perf_counter() - t0, time.process_time() - c0

    print(f"customers {args.customers:,}; model {kc.model}; silhouette sample {args.sample_size:,} "
          f"(sampled: {kc.sampled}); threads {args.threads}; cpus visible {os.cpu_count()}; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"generate data      {t_gen:6.1f} s (not timed against the target)")
    print(f"prepare_features   {t_prep:6.1f} s  (log1p: {', '.join(F.log_columns) or 'none'})")
    print(f"choose_k k=2..10   {t_k:6.1f} s wall, {cpu_k:6.1f} s CPU (user + system, all threads)")
    total = t_prep + t_k
    print(kc.table.round(3).to_string(index=False))
    print(kc.reason())
    verdict = "MET" if total < TARGET_S else "MISSED"
    print(f"prepare + choose_k {total:6.1f} s — target < {TARGET_S:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
