"""``kiosk config show``: the effective configuration and where each value came from."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.cli.common import add_config_arg, print_json
from kiosk.config.loader import LayeredConfig, load_layered
from offline_cache.wire import FLEET_SECRET_KEYS

MASK = "********"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("config", help="the effective configuration after every layer")
    csub = p.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    show = csub.add_parser("show", help="every value (secrets masked) and the layer that set it")
    show.add_argument("--json", action="store_true")
    add_config_arg(show)
    show.set_defaults(func=_show)


def _leaves(value: Any, loc: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], Any]]:
    if isinstance(value, dict):
        out = []
        for k, v in value.items():
            out.extend(_leaves(v, (*loc, k)))
        return out
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        out = []
        for i, v in enumerate(value):
            out.extend(_leaves(v, (*loc, i)))
        return out
    return [(loc, value)]


def _dotted(loc: tuple[str | int, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p)
                   for i, p in enumerate(loc))  # fmt: skip


def effective(layered: LayeredConfig) -> dict[str, Any]:
    """``{config, origin, layers, fleet}``; secret values are masked."""
    data = layered.config.model_dump(mode="json")
    origin: dict[str, str] = {}
    for loc, value in _leaves(data):
        name = _dotted(loc)
        # Arrays of tables (services, ticket.layout) are replaced whole by a layer.
        top = loc[: next((i for i, p in enumerate(loc) if isinstance(p, int)), len(loc))]
        origin[name] = layered.origin(top)
        if name in FLEET_SECRET_KEYS and value:
            *tables, leaf = name.split(".")
            node = data
            for t in tables:
                node = node[t]
            node[leaf] = MASK
    return {
        "config": data,
        "origin": origin,
        "layers": [layer.name for layer in layered.layers],
        "fleet": {
            "generation": layered.fleet_generation,
            "versions": layered.fleet_versions,
            "error": layered.fleet_error,
        },
    }


def _show(args: argparse.Namespace) -> int:
    out = effective(load_layered(args.config))
    if args.json:
        print_json(out)
        return 0
    print("layers (lowest first): " + " < ".join(out["layers"]))
    if out["fleet"]["error"]:
        print(f"fleet: {out['fleet']['error']}")
    flat = dict(_leaves(out["config"]))
    for loc, value in flat.items():
        name = _dotted(loc)
        print(f"{name:<40} {value!r:<40} {out['origin'][name]}")
    return 0
