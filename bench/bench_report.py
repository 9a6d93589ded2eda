"""Benchmark the report build (issue 21): ``crm report --all --lang en,zh`` against the naive loop a user
could script — for each notebook and language, ``papermill`` then ``jupyter nbconvert --to html --no-input``,
one after the other — and print both times and their ratio (targets: ≤ 60 s warm, ≤ 0.5× naive).

Run when the machine is quiet:  .venv/bin/python bench/bench_report.py [-j 2] [--skip-naive] [--only 03,05]
Both builds write into a temporary folder; one warm-up build runs first unless --no-warmup.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))


def crm_build(out: Path, jobs: int | None, only: list[str]) -> float:
    args = [str(BIN / "crm"), "report", *(only or ["--all"]), "--lang", "en,zh", "--no-progress", "--out", str(out)]
    if jobs:
        args += ["-j", str(jobs)]
    t = time.perf_counter()
    res = subprocess.run(args, capture_output=True, text=True)
    if res.returncode:
        print(res.stderr[-2000:], file=sys.stderr)
    return time.perf_counter() - t


def naive_build(out: Path, notebooks: list[Path]) -> float:
    import yaml

    out.mkdir(parents=True, exist_ok=True)
    failed = []
    t = time.perf_counter()
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
            ok = subprocess.run(cmd, capture_output=True).returncode == 0
            ok &= subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                                  str(out / f"{name}.ipynb")], capture_output=True).returncode == 0
            if not ok:
                failed.append(name)
    if failed:
        print(f"naive loop: {len(failed)} failed: {', '.join(failed)}", file=sys.stderr)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-j", "--jobs", type=int, default=None)
    ap.add_argument("--skip-naive", action="store_true")
    ap.add_argument("--skip-crm", type=float, default=None, metavar="SECONDS",
                    help="do not build with crm; use this earlier time for the ratio")
    ap.add_argument("--no-warmup", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated notebook stems or numbers (default: all)")
    a = ap.parse_args()
    from crmcore.report import find_notebook, list_notebooks

    only = [s for s in a.only.split(",") if s]
    notebooks = [find_notebook(s) for s in only] if only else list_notebooks()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if not a.no_warmup and a.skip_crm is None:
            crm_build(tmp / "warm", a.jobs, only)
        ours = crm_build(tmp / "crm", a.jobs, only) if a.skip_crm is None else a.skip_crm
        n = 2 * len(notebooks)
        print(f"crm report --lang en,zh ({n} reports, -j {a.jobs or 'cores'}): {ours:6.1f} s")
        if not a.skip_naive:
            naive = naive_build(tmp / "naive", notebooks)
            print(f"naive loop (papermill + nbconvert --no-input, sequential): {naive:6.1f} s")
            print(f"ratio crm / naive: {ours / naive:.2f}  (target <= 0.50; all reports <= 60 s warm)")


if __name__ == "__main__":
    main()
