"""``kiosk-central``: run the centre, read its counts, make a pilot hall's certificates."""

from __future__ import annotations

import argparse
import json
import os
import ssl
import sys
from collections.abc import Sequence
from pathlib import Path

DEFAULT_DB = "sqlite:///central.db"


class CentralCliError(Exception):
    pass


def _db_url(value: str | None) -> str:
    url = value or os.environ.get("KIOSK_CENTRAL_DB") or DEFAULT_DB
    if "://" not in url:  # a bare path is a SQLite file
        url = f"sqlite:///{Path(url).resolve()}"
    return url


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from central.app import create_app

    tls = [args.tls_cert, args.tls_key]
    if any(tls) and not all(tls):
        raise CentralCliError("--tls-cert and --tls-key go together")
    if args.client_ca and not args.tls_cert:
        raise CentralCliError("--client-ca needs --tls-cert and --tls-key")
    if not args.tls_cert and args.host not in ("127.0.0.1", "::1", "localhost"):
        raise CentralCliError("plain HTTP only on loopback: give --tls-cert and --tls-key")
    for path in (args.tls_cert, args.tls_key, args.client_ca):
        if path and not Path(path).is_file():
            raise CentralCliError(f"no such file: {path}")
    app = create_app(_db_url(args.db), fleet_repo=args.fleet_repo)
    kwargs: dict[str, object] = {}
    if args.tls_cert:
        kwargs.update(ssl_certfile=args.tls_cert, ssl_keyfile=args.tls_key)
    if args.client_ca:
        kwargs.update(ssl_ca_certs=args.client_ca, ssl_cert_reqs=ssl.CERT_REQUIRED)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        access_log=False,
        timeout_graceful_shutdown=5,
        **kwargs,  # type: ignore[arg-type]
    )
    return 0


def _stats(args: argparse.Namespace) -> int:
    from central.store import CentralStore, make_engine

    stats = CentralStore(make_engine(_db_url(args.db))).stats().as_dict()
    if args.json:
        json.dump(stats, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(f"submissions        {stats['submissions']}")
        print(f"test submissions   {stats['test_submissions']}")
        print(f"duplicates refused {stats['duplicates_refused']}")
        print(f"key conflicts      {stats['conflicts']}")
        for tid, n in sorted(stats["terminals"].items()):
            print(f"terminal {tid:<10} {n}")
    return 0


def _gen_certs(args: argparse.Namespace) -> int:
    from central.certs import generate

    paths = generate(Path(args.dir), args.terminal or ["T01"], args.host or None)
    for name, path in paths.items():
        print(f"{name:<20} {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kiosk-central", description="The hall kiosk centre.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    serve = sub.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--db", help=f"database URL or SQLite path (default {DEFAULT_DB})")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8443)
    serve.add_argument("--tls-cert", help="server certificate (PEM)")
    serve.add_argument("--tls-key", help="server private key (PEM)")
    serve.add_argument("--client-ca", help="CA that signs terminal certificates: mTLS required")
    serve.add_argument("--log-level", default="warning")
    serve.add_argument("--fleet-repo", metavar="DIR", help="serve this fleet repository")
    serve.set_defaults(func=_serve)
    stats = sub.add_parser("stats", help="counts of submissions, duplicates and terminals")
    stats.add_argument("--db", help="database URL or SQLite path")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(func=_stats)
    gen = sub.add_parser("gen-certs", help="private CA, server and terminal certificates")
    gen.add_argument("dir", help="output directory")
    gen.add_argument("--terminal", action="append", help="terminal id (repeat; default T01)")
    gen.add_argument("--host", action="append", help="server host name or IP (repeat)")
    gen.set_defaults(func=_gen_certs)
    from central.fleet.cli import register as register_fleet

    register_fleet(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from central.fleet.cli import FleetCliError

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (CentralCliError, FleetCliError) as exc:
        print(f"kiosk-central: {exc}", file=sys.stderr)
        return 1
    except ArgumentError as exc:
        print(f"kiosk-central: bad --db URL: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"kiosk-central: database: {first}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"kiosk-central: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
