"""Benchmark the report build (issue 21): ``crm report NB... --lang en,zh`` on notebooks 00–10 (22 reports)
against the naive loop a user could script — for each notebook and language, ``papermill`` then
``jupyter nbconvert --to html --no-input``, one after the other — measured in this one process, and print
both times (wall and CPU: user+sys of the whole process tree), the per-report breakdown and the ratio
(targets: ≤ 60 s warm, ≤ 0.5× naive).

    .venv/bin/python bench/bench_report.py [-j 2] [--skip-naive] [--only 03,05 | --all] [--no-pool]

Both builds write into a temporary folder; one warm-up crm build runs first unless --no-warmup (it also
records each report's time, so the next build starts the longest first). The machine is shared: compare
CPU seconds when the load is high.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
DEFAULT = [f"{i:02d}" for i in range(11)]  # notebooks 00–10: 22 reports in en and zh


def _cpu() -> float:
    """User+sys seconds of every finished child process (and theirs: workers, kernels) so far."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def crm_build(out: Path, jobs: int | None, notebooks: list[str], pool: bool) -> tuple[float, float, dict]:
    args = [str(BIN / "crm"), "report", *notebooks, "--lang", "en,zh", "--no-progress", "--out", str(out)]
    if jobs:
        args += ["-j", str(jobs)]
    env = dict(os.environ, **({} if pool else {"CRMCORE_KERNEL_POOL": "0"}))
    c, t = _cpu(), time.perf_counter()
    res = subprocess.run(args, capture_output=True, text=True, env=env)
    wall, cpu = time.perf_counter() - t, _cpu() - c
    if res.returncode:
        print(res.stderr[-2000:], file=sys.stderr)
    from crmcore.runner.report import _seconds_file

    try:
        per = json.loads(_seconds_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        per = {}
    return wall, cpu, per


def naive_build(out: Path, notebooks: list[Path]) -> tuple[float, float, dict]:
    import yaml

    out.mkdir(parents=True, exist_ok=True)
    failed, per = [], {}
    c, t = _cpu(), time.perf_counter()
    for nb in notebooks:
        pf = ROOT / "notebooks" / "params" / f"{nb.stem}.yaml"
        params = (yaml.safe_load(pf.read_text(encoding="utf-8")) or {}) if pf.exists() else {}
        for lang in ("en", "zh"):
            name = nb.stem + ("" if lang == "en" else "-zh")
            cmd = [str(BIN / "papermill"), str(nb), str(out / f"{name}.ipynb"), "--cwd", str(nb.parent),
                   "-k", "python3", "--no-progress-bar", "-p", "lang", lang]
            for k, v in params.items():
                if k != "lang":
                    cmd += ["-r" if isinstance(v, str) else "-p", k, str(v)]
            if "output_dir" not in params:
                cmd += ["-r", "output_dir", str(out / "output")]
            t1 = time.perf_counter()
            ok = subprocess.run(cmd, capture_output=True).returncode == 0
            t2 = time.perf_counter()
            ok &= subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                                  str(out / f"{name}.ipynb")], capture_output=True).returncode == 0
            per[f"{nb.stem}|{lang}"] = (t2 - t1, time.perf_counter() - t2)
            if not ok:
                failed.append(name)
    if failed:
        print(f"naive loop: {len(failed)} failed: {', '.join(failed)}", file=sys.stderr)
    return time.perf_counter() - t, _cpu() - c, per


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-j", "--jobs", type=int, default=None)
    ap.add_argument("--skip-naive", action="store_true")
    ap.add_argument("--skip-crm", type=float, default=None, metavar="SECONDS",
                    help="do not build with crm; use this earlier wall time for the ratio")
    ap.add_argument("--no-warmup", action="store_true")
    ap.add_argument("--no-pool", action="store_true", help="a fresh kernel per report (CRMCORE_KERNEL_POOL=0)")
    ap.add_argument("--only", default="", help="comma-separated notebook stems or numbers (default: 00–10)")
    ap.add_argument("--all", action="store_true", help="every method notebook (crm report --all)")
    a = ap.parse_args()
    from crmcore.runner.report import find_notebook, list_notebooks

    only = [s for s in a.only.split(",") if s] or ([] if a.all else DEFAULT)
    notebooks = [find_notebook(s) for s in only] if only else list_notebooks()
    stems = [p.stem for p in notebooks]
    n = 2 * len(notebooks)
    load = os.getloadavg()[0]
    print(f"{n} reports, {os.cpu_count()} cores, load average {load:.1f} at the start")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if not a.no_warmup and a.skip_crm is None:
            crm_build(tmp / "warm", a.jobs, stems, not a.no_pool)
        if a.skip_crm is None:
            ours, ours_cpu, per = crm_build(tmp / "crm", a.jobs, stems, not a.no_pool)
        else:
            ours, ours_cpu, per = a.skip_crm, float("nan"), {}
        print(f"crm report --lang en,zh ({n} reports, -j {a.jobs or 'cores'}, "
              f"{'fresh kernel each' if a.no_pool else 'warm kernel pool'}): {ours:6.1f} s wall, {ours_cpu:6.1f} s CPU")
        naive = naive_cpu = None
        nper: dict = {}
        if not a.skip_naive:
            naive, naive_cpu, nper = naive_build(tmp / "naive", notebooks)
            print(f"naive loop (papermill + nbconvert --no-input, sequential): {naive:6.1f} s wall, "
                  f"{naive_cpu:6.1f} s CPU")
        print(f"\n{'report':<26}{'crm s':>8}{'naive papermill s':>19}{'nbconvert s':>13}")
        for stem in stems:
            for lang in ("en", "zh"):
                c = per.get(f"{stem}|{lang}|report")
                pm, nc = nper.get(f"{stem}|{lang}", (None, None))
                fmt = lambda v: f"{v:.1f}" if v is not None else "-"  # noqa: E731
                print(f"{stem + ' [' + lang + ']':<26}{fmt(c):>8}{fmt(pm):>19}{fmt(nc):>13}")
        if naive:
            print(f"\nratio crm / naive: {ours / naive:.2f} wall, {ours_cpu / naive_cpu:.2f} CPU  "
                  f"(targets: <= 0.50; all {n} reports <= 60 s warm)")


if __name__ == "__main__":
    main()
