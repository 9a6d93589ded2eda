"""The ``crm`` command.

``crm report NOTEBOOK...|--all [-p NAME VALUE]... [-f params.yaml] [--data PATH] [--out DIR] [--lang en,zh]
[--lesson] [--show-code] [-j N] [--fresh-kernels]`` — management reports (or lessons) as offline HTML;
``crm params NOTEBOOK [-p ...] [-f ...] [--data PATH]`` — each parameter's effective value, its source and
its allowed values; ``crm course DIR [--lang en|zh] [--student]`` — learner copies of the course.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crmcore.errors import CrmError


def _langs(value: str) -> list[str]:
    langs = [v.strip() for v in value.split(",") if v.strip()]
    bad = [v for v in langs if v not in ("en", "zh")]
    if bad or not langs:
        raise argparse.ArgumentTypeError(f"{value!r}: use en, zh or en,zh")
    return list(dict.fromkeys(langs))


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="crm", description="crmcore: run method notebooks as reports and lessons.")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("report", help="run notebook(s) with parameters and write HTML reports")
    r.add_argument("notebook", nargs="*", help="notebook path(s), name(s) or number(s) (e.g. 05_rfm or 05 07)")
    r.add_argument("--all", action="store_true", help="every method notebook, each with its params file")
    r.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"), default=[],
                   help="set a parameter (converted to the type the notebook declares, checked against its values)")
    r.add_argument("-f", "--params-file", help="YAML file of parameters (default: notebooks/params/<name>.yaml)")
    r.add_argument("--data", help="a transactions file; given only to the notebooks that read transactions")
    r.add_argument("--out", default=None, help="output folder (default: reports/; created if missing)")
    r.add_argument("--lang", type=_langs, default=None, metavar="en|zh|en,zh",
                   help="language(s) of the reports; en,zh builds both in one call")
    r.add_argument("--lesson", action="store_true",
                   help="the whole lesson (goals, exercises, answers, code) instead of the management report")
    r.add_argument("--show-code", action="store_true", help="keep code cells in the HTML")
    r.add_argument("-j", "--jobs", type=int, default=None, help="notebooks run at once (default: number of cores)")
    r.add_argument("--fresh-kernels", action="store_true",
                   help="start a new kernel for every notebook (default: each worker reuses one warm kernel, reset "
                        "before every notebook; the reports are the same bytes, built faster)")
    r.add_argument("--no-progress", action="store_true", help="no progress bar")
    q = sub.add_parser("params", help="each parameter's effective value, where it comes from, its allowed values")
    q.add_argument("notebook")
    q.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"), default=[])
    q.add_argument("-f", "--params-file")
    q.add_argument("--data")
    c = sub.add_parser("course", help="write learner copies of every notebook in one language (+ course map)")
    c.add_argument("dir", help="folder to write (created if missing)")
    c.add_argument("--lang", choices=["en", "zh"], default="en")
    c.add_argument("--student", action="store_true", help="remove solutions and answers (self-checks stay)")
    return p


def _params(args) -> int:
    from crmcore.runner import report

    path = report.find_notebook(args.notebook)
    over = dict(args.parameter)
    if args.data and report.reads_transactions(path):
        over["data_path" if "data_path" in report.notebook_parameters(path) else "dataset"] = \
            str(Path(args.data).resolve())
    info = report.explain_parameters(path, params_file=args.params_file, overrides=over)
    rows = [(k, f"{spec.type} = {value!r}", src, spec.allowed(), spec.help) for k, (value, src, spec) in info.items()]
    w = [max(len(r[i]) for r in rows) for i in range(4)] if rows else [0] * 4
    print(f"{path.name}: parameter, effective value, source, allowed values, help")
    for r in rows:
        print(f"  {r[0]:<{w[0]}}  {r[1]:<{w[1]}}  {r[2]:<{w[2]}}  {r[3]:<{w[3]}}  {r[4]}")
    if "asof" in info and not info["asof"][0]:
        print("  (asof empty: the day after the data's last transaction)")
    return 0


def _report(args) -> int:
    import time

    from crmcore.runner import report

    if bool(args.all) == bool(args.notebook):
        print("crm report: give NOTEBOOK(s) or --all", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else report.REPORTS
    notebooks = report.list_notebooks() if args.all else [report.find_notebook(n) for n in args.notebook]
    # everything is checked (names, values, asof against the data, --out) before a kernel starts
    jobs, skipped = report.plan(notebooks, langs=args.lang, parameters=dict(args.parameter),
                                params_file=args.params_file, data=args.data,
                                mode="lesson" if args.lesson else "report",
                                show_code=True if args.show_code else None, out_dir=out)
    for p in skipped:
        print(f"--data not given to {p.stem}: it does not read transactions", file=sys.stderr)
    t0 = time.perf_counter()
    runs = report.run_jobs(jobs, out, workers=args.jobs, progress=not args.no_progress,
                           pool=False if args.fresh_kernels else None)
    index = report.write_index(out)
    bad = [r for r in runs if not r.ok]
    for r in runs:
        print(f"{'ok    ' if r.ok else 'FAILED'} {r.notebook.stem} [{r.lang}] -> {r.html or r.executed}")
    for r in runs:
        if r.ok and r.error:
            print(f"note: {r.error}", file=sys.stderr)
    print(f"index: {index}  ({len(runs) - len(bad)} of {len(runs)} reports in {time.perf_counter() - t0:.1f} s)")
    if bad:
        print(f"\n{len(bad)} of {len(runs)} report(s) failed:", file=sys.stderr)
        for r in bad:
            print(f"  {r.error}\n    executed notebook kept for diagnosis: {r.executed}", file=sys.stderr)
    return 1 if bad else 0


def _course(args) -> int:
    from crmcore.runner.course import write_course

    written = write_course(args.dir, lang=args.lang, student=args.student)
    print(f"{len(written)} notebooks ({args.lang}{', student edition' if args.student else ''}) and the course map "
          f"in {Path(args.dir) / 'README.md'}; open the folder in JupyterLab")
    return 0


def main(argv: list[str] | None = None) -> int:
    from crmcore.runner.report import install_signal_handlers

    args = _parser().parse_args(argv)
    install_signal_handlers()
    try:
        return {"params": _params, "report": _report, "course": _course}[args.command](args)
    except CrmError as e:
        print(f"crm: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("crm: interrupted; temporary files removed", file=sys.stderr)
        return 130
    except BaseException as e:
        if type(e).__name__ == "_Terminated":
            print("crm: terminated; temporary files removed", file=sys.stderr)
            return 143
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
