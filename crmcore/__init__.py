"""crmcore — data-driven customer and business management methods, as a library.

The code is grouped by its place in the flow file → door → engine → method → result → notebook/report
(see ARCHITECTURE.md): ``crmcore.door`` (reading, schema, validation, demo data), ``crmcore.engine``,
``crmcore.customer``, ``crmcore.decision``, ``crmcore.strategy``, ``crmcore.sales`` (the methods) and
``crmcore.runner`` (notebooks → reports). Every module also answers to its short name, which is what the
notebooks and the README write: ``from crmcore import rfm`` is ``crmcore.customer.rfm``, the same module
object. The names here are the shared plumbing every notebook uses.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import os
import sys

__version__ = "0.1.0"

#: the subpackages, in the order of the flow (ARCHITECTURE.md)
SUBPACKAGES = ("door", "customer", "decision", "strategy", "sales", "runner")


def _short_names() -> dict[str, str]:
    """Short name → the module's place in the layout, read off the folders (no module is imported)."""
    here = os.path.dirname(__file__)
    out: dict[str, str] = {}
    for sub in SUBPACKAGES:
        for f in sorted(os.listdir(os.path.join(here, sub))):
            if f.endswith(".py") and f != "__init__.py":
                out[f[:-3]] = f"crmcore.{sub}.{f[:-3]}"
    return out


#: short name → full path: ``crmcore.rfm`` is ``crmcore.customer.rfm``, so the layout can change without
#: breaking a notebook, a test or a user's script
MODULES: dict[str, str] = _short_names()


class _ShortNames(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Import ``crmcore.rfm`` as the module ``crmcore.customer.rfm`` itself (not a copy)."""

    def find_spec(self, fullname, path=None, target=None):
        short = fullname.removeprefix("crmcore.")
        if fullname.startswith("crmcore.") and short in MODULES:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    _specs: dict = {}

    def create_module(self, spec):
        module = importlib.import_module(MODULES[spec.name.removeprefix("crmcore.")])
        self._specs[spec.name] = module.__spec__
        return module

    def get_code(self, fullname):
        """So that ``python -m crmcore.cli`` still runs the module (runpy asks the loader for its code)."""
        real = importlib.util.find_spec(MODULES[fullname.removeprefix("crmcore.")])
        return real.loader.get_code(real.name)

    def exec_module(self, module):
        # the import system stamped the short name's spec on the module: give it back its own
        module.__spec__ = self._specs.pop(module.__spec__.name, module.__spec__)


if not any(isinstance(f, _ShortNames) for f in sys.meta_path):
    sys.meta_path.append(_ShortNames())

from crmcore.errors import CrmError, DataError, DomainError, ParameterError  # noqa: E402
from crmcore.runner.display import say, show  # noqa: E402
from crmcore.runner.export import export_frame, export_name  # noqa: E402
from crmcore.runner.nbtools import load_dataset, read_records, record, resolve_asof, setup_notebook  # noqa: E402
from crmcore.plotting import ensure_cjk as _ensure_cjk  # noqa: E402

_ensure_cjk()

__all__ = [
    "__version__", "CrmError", "DataError", "DomainError", "ParameterError",
    "setup_notebook", "record", "read_records", "load_dataset", "resolve_asof",
    "show", "say", "export_frame", "export_name",
]
