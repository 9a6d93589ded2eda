"""Benchmark crmcore.clv: BG/NBD and Gamma-Gamma fit + predictions on ~500k synthetic customers.

The summary is simulated from the BG/NBD and Gamma-Gamma processes themselves (known parameters, so
the fit can also be checked), with recency and T on a daily grid in weeks, as ``btyd_summary`` gives for
10M lines of ~500k customers. lifetimes (``BetaGeoFitter``, ``GammaGammaFitter``) is run on the same
summary in a child process of a throwaway venv (``--lifetimes-python``; lifetimes is not a crmcore
dependency and needs its own numpy/pandas/scipy). Target: crmcore ≥ 5× faster on each.

Run:  .venv/bin/python bench/bench_clv.py [--customers 500000] [--lifetimes-python /tmp/ltenv/bin/python]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# one BLAS thread in both processes: on a busy 2-core machine OpenBLAS's thread hand-offs cost more wall time
# than the work (the likelihoods here are element-wise; nothing needs a threaded BLAS)
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

TRUE = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
TRUE_GG = {"p": 6.25, "q": 3.74, "gamma": 15.44}

LIFETIMES_CHILD = r"""
import json, sys, time, numpy as np, pandas as pd, lifetimes
from lifetimes import BetaGeoFitter, GammaGammaFitter
d = np.load(sys.argv[1])
df = pd.DataFrame({k: d[k] for k in ("frequency", "recency", "T", "monetary_value")})
out = {"version": lifetimes.__version__}
t = time.perf_counter(); c = time.process_time()
bg = BetaGeoFitter().fit(df["frequency"], df["recency"], df["T"])
e = bg.conditional_expected_number_of_purchases_up_to_time(52, df["frequency"], df["recency"], df["T"])
pa = bg.conditional_probability_alive(df["frequency"], df["recency"], df["T"])
out["bgnbd"] = {"seconds": time.perf_counter() - t, "cpu": time.process_time() - c,
                "params": {k: float(v) for k, v in bg.params_.items()}, "sum_e52": float(np.sum(e))}
rep = df[df["frequency"] > 0]
t = time.perf_counter(); c = time.process_time()
gg = GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
z = gg.conditional_expected_average_profit(rep["frequency"], rep["monetary_value"])
out["gg"] = {"seconds": time.perf_counter() - t, "cpu": time.process_time() - c,
             "params": {k: float(v) for k, v in gg.params_.items()}, "mean_z": float(np.mean(z))}
print(json.dumps(out))
"""


def simulate(n: int, seed: int = 1) -> dict[str, np.ndarray]:
    """BG/NBD purchases (rate λ ~ Gamma(r, α), dropout after each purchase with p ~ Beta(a, b)) over ages
    T of 1–78 weeks on a daily grid, and Gamma-Gamma spend for the repeat purchases."""
    rng = np.random.default_rng(seed)
    T = rng.integers(7, 78 * 7 + 1, n) / 7.0
    lam = rng.gamma(TRUE["r"], 1 / TRUE["alpha"], n)
    p = rng.beta(TRUE["a"], TRUE["b"], n)
    x = np.zeros(n)
    tx = np.zeros(n)
    t = np.zeros(n)
    active = np.arange(n)
    while active.size:
        t[active] += rng.exponential(1.0, active.size) / np.maximum(lam[active], 1e-12)
        ok = t[active] <= T[active]
        idx = active[ok]
        x[idx] += 1
        tx[idx] = t[idx]
        alive = rng.random(idx.size) >= p[idx]
        active = idx[alive]
    tx = np.floor(tx * 7) / 7  # a daily grid, as btyd_summary gives
    nu = rng.gamma(TRUE_GG["q"], 1 / TRUE_GG["gamma"], n)
    m = np.where(x > 0, rng.gamma(TRUE_GG["p"] * np.maximum(x, 1), 1 / (nu * np.maximum(x, 1))), 0.0)
    return {"frequency": x, "recency": tx, "T": T, "monetary_value": m}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=500_000)
    ap.add_argument("--lifetimes-python", default="")
    args = ap.parse_args()
    import pandas as pd

    from crmcore import clv

    t0 = time.perf_counter()
    data = simulate(args.customers)
    summ = pd.DataFrame(data)
    print(f"simulated {len(summ):,} customers in {time.perf_counter() - t0:.1f} s "
          f"({(summ.frequency > 0).mean():.1%} repeat buyers, "
          f"{len(summ.drop_duplicates(['frequency', 'recency', 'T'])):,} unique (x, t_x, T) rows)")

    t, c = time.perf_counter(), time.process_time()
    bg = clv.fit(summ, model="bgnbd")
    e = bg.expected_purchases(52)
    pa = bg.p_alive()
    bg_wall, bg_cpu = time.perf_counter() - t, time.process_time() - c
    print(f"crmcore BG/NBD fit + E[Y(52)] + P(alive): {bg_wall:6.2f} s wall {bg_cpu:6.2f} s CPU; params "
          + ", ".join(f"{k}={v:.3f}" for k, v in bg.params.items()) + f" (true {TRUE}); ΣE[Y(52)] = {e.sum():,.0f}; "
          f"mean P(alive) {pa.mean():.3f}")
    t, c = time.perf_counter(), time.process_time()
    gg = clv.fit(summ, model="gamma_gamma")
    z = gg.expected_spend(summ[summ.frequency > 0])
    gg_wall, gg_cpu = time.perf_counter() - t, time.process_time() - c
    print(f"crmcore Gamma-Gamma fit + E[Z]:         {gg_wall:6.2f} s wall {gg_cpu:6.2f} s CPU; params "
          + ", ".join(f"{k}={v:.3f}" for k, v in gg.params.items()) + f" (true {TRUE_GG}); mean E[Z] {z.mean():.3f}")

    if args.lifetimes_python:
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "summary.npz"
            np.savez(path, **data)
            res = subprocess.run([args.lifetimes_python, "-c", LIFETIMES_CHILD, str(path)],
                                 capture_output=True, text=True)
        if res.returncode == 0:
            lt = json.loads(res.stdout.strip().splitlines()[-1])
            b, g = lt["bgnbd"], lt["gg"]
            print(f"lifetimes {lt['version']} BetaGeoFitter fit + predictions: {b['seconds']:6.2f} s wall "
                  f"{b['cpu']:6.2f} s CPU; params " + ", ".join(f"{k}={v:.3f}" for k, v in b["params"].items())
                  + f"; ΣE[Y(52)] = {b['sum_e52']:,.0f}")
            print(f"   → lifetimes / crmcore = {b['seconds'] / bg_wall:.1f}× wall, {b['cpu'] / bg_cpu:.1f}× CPU (target ≥ 5×)")
            print(f"lifetimes GammaGammaFitter fit + predictions:    {g['seconds']:6.2f} s wall {g['cpu']:6.2f} s CPU; "
                  "params " + ", ".join(f"{k}={v:.3f}" for k, v in g["params"].items()) + f"; mean E[Z] {g['mean_z']:.3f}")
            print(f"   → lifetimes / crmcore = {g['seconds'] / gg_wall:.1f}× wall, {g['cpu'] / gg_cpu:.1f}× CPU (target ≥ 5×)")
        else:
            print("lifetimes could not be run:", (res.stderr.strip().splitlines() or [res.stdout[-300:]])[-1])
    else:
        print("lifetimes not run (give --lifetimes-python PATH of a venv with lifetimes installed)")


if __name__ == "__main__":
    main()
