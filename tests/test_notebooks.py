"""Structure of every notebook (template sections, one literal parameters cell, params files) and the
data-overview smoke run. Each method's own smoke run lives in that method's test file."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from crmcore.nbtools import SECTIONS

ROOT = Path(__file__).resolve().parent.parent
NB_DIR = ROOT / "notebooks"
ALL = sorted(NB_DIR.glob("*.ipynb"))
METHODS = [p for p in ALL if p.name[:2].isdigit()]
TYPES = {"str": str, "int": int, "float": float, "bool": bool}


def read(path):
    return nbformat.read(str(path), as_version=4)


def params_cell(nb):
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "exactly one cell tagged 'parameters'"
    return cells[0]


def declared(nb):
    out = {}
    for node in ast.parse(params_cell(nb).source).body:
        assert isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name), \
            f"parameters cell: only `name: type = literal` lines ({ast.unparse(node)})"
        out[node.target.id] = (ast.unparse(node.annotation), ast.literal_eval(node.value))
    return out


def test_there_are_method_notebooks():
    assert (NB_DIR / "00_data_overview.ipynb") in METHODS and (NB_DIR / "_template.ipynb") in ALL


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_sections_in_template_order(path):
    nb = read(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "first cell: '# Title' + question"
    h2 = [line[3:].strip() for c in nb.cells if c.cell_type == "markdown"
          for line in c.source.splitlines() if line.startswith("## ")]
    found = [next((i for i, h in enumerate(h2) if h.startswith(s)), None) for s in SECTIONS]
    missing = [s for s, i in zip(SECTIONS, found) if i is None]
    assert not missing, f"missing sections: {missing}"
    assert found == sorted(found), "sections out of order"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_parameters_cell_is_first_code_cell_with_typed_literals_and_help(path):
    import papermill as pm

    nb = read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", []), "the parameters cell is the first code cell"
    assert "import crmcore as crm" in code[1].source and "crm.setup_notebook(lang=lang)" in code[1].source, \
        "the second code cell imports crmcore and sets the notebook up in the chosen language"
    assert max(len(c.source.splitlines()) for c in code[1:]) <= 15, "a long cell is a missing library function"
    params = declared(nb)
    for name, (typ, value) in params.items():
        assert typ in TYPES and isinstance(value, TYPES[typ]), f"{name}: {typ} = {value!r}"
    for line in params_cell(nb).source.splitlines():
        if line.strip():
            assert "  # " in line, f"parameter without a help comment: {line}"
    # papermill must parse every line (an '=' in a comment silently hides the parameter)
    assert set(pm.inspect_notebook(str(path))) == set(params)
    if "lang" in params:
        assert params["lang"][1] == "en"
    if "asof" in params:
        assert params["asof"][1].lower() not in ("today", "now")


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_committed_outputs_come_from_one_clean_run(path):
    nb = read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), "re-run the notebook top to bottom (make notebooks)"
    errors = [c.execution_count for c in code for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert any(o.output_type == "display_data" and "image/png" in o.get("data", {}) for c in code for o in c.outputs), \
        "at least one plot"
    assert any(c.source.startswith("# NBVAL_CHECK_OUTPUT") for c in code), "one nbval-checked cell"
    src = "\n".join(c.source for c in code)
    assert "MPLBACKEND" not in src and 'use("Agg")' not in src and "datetime.now" not in src
    assert nb.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_notebook_is_stripped_of_volatile_metadata(path):
    res = subprocess.run([str(Path(sys.executable).with_name("nbstripout")), "--keep-output", "--keep-count",
                          "--verify", str(path)], capture_output=True, text=True)
    assert res.returncode == 0, f"run: nbstripout --keep-output --keep-count {path.name}"


@pytest.mark.parametrize("path", METHODS, ids=lambda p: p.stem)
def test_params_file_keys_are_notebook_parameters_of_the_right_type(path):
    pf = NB_DIR / "params" / f"{path.stem}.yaml"
    assert pf.exists(), f"each method notebook has a report params file: {pf.name}"
    values = yaml.safe_load(pf.read_text(encoding="utf-8")) or {}
    params = declared(read(path))
    assert set(values) <= set(params), f"unknown keys: {set(values) - set(params)}"
    for k, v in values.items():
        want = TYPES[params[k][0]]
        assert isinstance(v, want) or (want is float and isinstance(v, int)), \
            f"{pf.name}: {k} is {type(v).__name__}, notebook declares {want.__name__} (quote strings)"


def test_shared_parameter_names_mean_the_same_everywhere():
    for path in METHODS:
        params = declared(read(path))
        for name, typ in {"dataset": "str", "data_path": "str", "asof": "str", "seed": "int", "lang": "str",
                          "output_dir": "str"}.items():
            if name in params:
                assert params[name][0] == typ, f"{path.name}: {name} must be {typ}"


@pytest.mark.parametrize("path", METHODS, ids=lambda p: p.stem)
def test_crm_reads_every_declared_parameter_and_its_default_is_allowed(path):
    """`crm report` checks values against `# {a, b}` / `# [lo, hi]` before a kernel starts; the notebook's own
    default and its params file must pass that check."""
    import yaml

    from crmcore.report import _coerce, parse_parameters

    spec = parse_parameters(params_cell(read(path)).source)
    assert set(spec) == set(declared(read(path)))
    for name, p in spec.items():
        _coerce(name, p.default, p)  # raises ParameterError naming the allowed values
    pf = NB_DIR / "params" / f"{path.stem}.yaml"
    for name, value in (yaml.safe_load(pf.read_text(encoding="utf-8")) or {}).items() if pf.exists() else []:
        _coerce(name, value, spec[name])
