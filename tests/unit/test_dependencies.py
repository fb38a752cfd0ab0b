"""Every runtime dependency in setup.cfg is imported by the product, or says why not.

A package installed on every terminal but never imported (python-escpos, until ADR 0008
dropped it) is attack surface and upgrade work for nothing.
"""

from __future__ import annotations

import ast
import configparser
import importlib.metadata
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("kiosk", "devices", "offline_cache", "ui", "central")
# Needed at run time without an import of their own, each with the reason.
NOT_IMPORTED = {
    # mediapipe is installed with --no-deps (scripts/bootstrap); these are what its
    # mp.solutions import needs.
    "protobuf": "mediapipe",
    "absl-py": "mediapipe",
    "attrs": "mediapipe",
    "flatbuffers": "mediapipe",
    "matplotlib": "mediapipe",
    "psycopg": "the PostgreSQL driver SQLAlchemy loads for postgresql+psycopg:// URLs",
    "tuf": "signed fleet configuration (issue 12, engineer fleet)",
    "uvloop": "the centre's event loop, named to uvicorn by central/cli.py (loop=)",
}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def required() -> list[str]:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    names = []
    for line in cfg["options"]["install_requires"].splitlines():
        line = line.split("#")[0].strip()
        if line:
            names.append(canonical(re.split(r"[<>=!~\[; ]", line)[0]))
    return names


def imported_roots() -> set[str]:
    roots: set[str] = set()
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    roots.update(a.name.split(".")[0] for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    roots.add(node.module.split(".")[0])
    return roots


def test_every_runtime_dependency_is_imported_or_explained() -> None:
    modules: dict[str, set[str]] = {}
    for module, dists in importlib.metadata.packages_distributions().items():
        for dist in dists:
            modules.setdefault(canonical(dist), set()).add(module)
    roots = imported_roots()
    unused = [
        dist
        for dist in required()
        if dist not in NOT_IMPORTED and not modules.get(dist, {dist}) & roots
    ]
    assert unused == [], f"installed but never imported: {unused} (use, drop or explain)"
