"""environment.yml (conda) must not drift from pyproject.toml (pip): same packages, same ranges."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# conda-forge names for the PyPI distributions that are packaged under another name
CONDA_NAME = {"ibis-framework": "ibis-framework-core", "matplotlib": "matplotlib-base"}


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(.*)$", req)
    name, spec = m.group(1).lower(), m.group(3).replace(" ", "")
    return CONDA_NAME.get(name, name), spec


def _pyproject() -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(meta["dependencies"])
    for extra in ("notebooks", "test", "lab"):
        reqs += meta["optional-dependencies"][extra]
    out: dict[str, str] = {}
    for r in reqs:
        name, spec = _split(r)
        if name == "ibis-framework-core" and not spec:
            continue  # the [polars] extra of the pinned ibis: conda lists polars itself
        out.setdefault(name, spec)
    out["polars"] = out.get("polars", "")
    return out


def _environment() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out: dict[str, str] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for p in dep["pip"]:
                if not p.startswith("-"):
                    out.__setitem__(*_split(p))
            continue
        name, spec = _split(dep.replace("=", "==", 1) if re.match(r"^[\w\-]+=[^=]", dep) else dep)
        if name in ("python", "pip", "make"):
            continue
        out[name] = spec
    return out


def test_environment_yml_lists_the_same_packages_and_ranges_as_pyproject():
    py, env = _pyproject(), _environment()
    assert sorted(set(py) - set(env)) == [], "in pyproject.toml but not environment.yml"
    assert sorted(set(env) - set(py)) == [], "in environment.yml but not pyproject.toml"
    differ = {k: (py[k], env[k]) for k in py if py[k] != env[k]}
    assert differ == {}


def test_environment_yml_pins_python_311():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]


def test_constraints_pin_every_direct_dependency():
    pinned = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, ver = line.split("==")
            pinned[name.strip().lower().replace("_", "-")] = ver.strip()
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = meta["dependencies"] + [r for e in meta["optional-dependencies"].values() for r in e]
    names = {re.match(r"[A-Za-z0-9_.\-]+", r).group(0).lower() for r in reqs}
    assert sorted(n for n in names if n not in pinned) == []
    # the known-good combination for Ibis 12 on DuckDB (sqlglot 30.30 breaks create_table)
    assert pinned["ibis-framework"] == "12.0.0"
    assert tuple(int(x) for x in pinned["sqlglot"].split(".")[:2]) < (30, 1)
