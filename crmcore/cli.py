"""The ``crm`` command: ``crm report NOTEBOOK|--all [-p NAME VALUE]... [-f params.yaml] [--data PATH]
[--out DIR] [--show-code] [--lang zh]`` and ``crm params NOTEBOOK``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import CrmError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="crm", description="crmcore: run method notebooks as reports.")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("report", help="run notebook(s) with parameters and write HTML reports")
    r.add_argument("notebook", nargs="?", help="notebook path, name or number (e.g. 05_rfm or 05)")
    r.add_argument("--all", action="store_true", help="every method notebook, each with its params file")
    r.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"), default=[],
                   help="set a parameter (converted to the type the notebook declares)")
    r.add_argument("-f", "--params-file", help="YAML file of parameters (default: notebooks/params/<name>.yaml)")
    r.add_argument("--data", help="a transactions file to run on (sets data_path)")
    r.add_argument("--out", default=None, help="output folder (default: reports/)")
    r.add_argument("--show-code", action="store_true", help="keep code cells in the HTML")
    r.add_argument("--lang", choices=["en", "zh"], help="language of labels and sentences")
    r.add_argument("--no-progress", action="store_true", help="no progress bar")
    q = sub.add_parser("params", help="list a notebook's parameters with their types and help")
    q.add_argument("notebook")
    return p


def main(argv: list[str] | None = None) -> int:
    from . import report

    args = _parser().parse_args(argv)
    try:
        if args.command == "params":
            path = report.find_notebook(args.notebook)
            for k, v in report.notebook_parameters(path).items():
                print(f"{k}: {v['type']} = {v['default']}   {v['help']}")
            return 0
        if bool(args.all) == bool(args.notebook):
            print("crm report: give one NOTEBOOK or --all", file=sys.stderr)
            return 2
        overrides = dict(args.parameter)
        if args.data:
            overrides["data_path"] = str(Path(args.data).resolve())
        if args.lang:
            overrides["lang"] = args.lang
        out = Path(args.out) if args.out else report.REPORTS
        notebooks = report.list_notebooks() if args.all else [report.find_notebook(args.notebook)]
        # refuse unknown parameter names before running anything
        for nb in notebooks:
            report.resolve_parameters(nb, params_file=args.params_file, overrides=overrides)
        runs = report.run_many(notebooks, parameters=overrides, params_file=args.params_file, out_dir=out,
                               show_code=args.show_code, progress=not args.no_progress and len(notebooks) > 1)
        index = report.write_index(out)
        bad = [r for r in runs if not r.ok]
        for r in runs:
            status = "ok " if r.ok else "FAILED"
            print(f"{status} {r.notebook.name} -> {r.html or r.executed}")
        for r in bad:
            print(f"\n{r.error}\n  executed notebook kept for diagnosis: {r.executed}", file=sys.stderr)
        print(f"index: {index}")
        return 1 if bad else 0
    except CrmError as e:
        print(f"crm: {type(e).__name__}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
