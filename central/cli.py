"""``kiosk-central``: run the centre, enrol and revoke terminals, manage staff tokens, read
counts, purge what is past its retention."""

from __future__ import annotations

import argparse
import copy
import json
import os
import ssl
import sys
from collections.abc import Sequence
from pathlib import Path

DEFAULT_DB = "sqlite:///central.db"
KEEP_ALIVE_S = 75  # a terminal beating every 60 s reuses its mTLS connection


class CentralCliError(Exception):
    pass


def _db_url(value: str | None) -> str:
    url = value or os.environ.get("KIOSK_CENTRAL_DB") or DEFAULT_DB
    if "://" not in url:  # a bare path is a SQLite file
        url = f"sqlite:///{Path(url).resolve()}"
    return url


def _blob_spec(args: argparse.Namespace, db_url: str) -> str:
    """``--blobs``, else a folder beside a SQLite file (``central.db`` -> ``central-blobs``)."""
    if getattr(args, "blobs", None):
        return str(args.blobs)
    if db_url.startswith("sqlite"):
        from central.store import _sqlite_file

        path = _sqlite_file(db_url)
        if path is not None:
            return str(path.resolve().with_name(f"{path.stem}-blobs"))
    raise CentralCliError(
        "say where photos and other attachments go: --blobs DIR or --blobs s3://BUCKET/PREFIX"
    )


def _retention(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from central.settings import RetentionPolicy, load_retention

    return load_retention(Path(args.config)) if args.config else RetentionPolicy()


def settings_from(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The centre's settings from ``serve``'s options, every combination checked."""
    from central.settings import CentreSettings, IdentityMode, MiB
    from offline_cache.wire import is_loopback_host

    tls = [args.tls_cert, args.tls_key]
    if any(tls) and not all(tls):
        raise CentralCliError("--tls-cert and --tls-key go together")
    for path in (args.tls_cert, args.tls_key, args.client_ca, args.proxy_secret_file):
        if path and not Path(path).is_file():
            raise CentralCliError(f"no such file: {path}")
    local = args.uds is not None or is_loopback_host(args.host)
    if args.behind_proxy:
        if not args.client_ca:
            raise CentralCliError(
                "--behind-proxy needs --client-ca (forwarded certificates are checked)"
            )
        if args.uds is None and not args.proxy_secret_file:
            raise CentralCliError(
                "--behind-proxy: listen on the proxy's --uds socket, or give --proxy-secret-file"
            )
        if not local:
            raise CentralCliError("--behind-proxy: the proxy is on this host: --uds or loopback")
        if args.insecure_claimed_identity:
            raise CentralCliError(
                "--insecure-claimed-identity and --behind-proxy exclude each other"
            )
        identity = IdentityMode.PROXY
    elif args.client_ca:
        if not args.tls_cert:
            raise CentralCliError("--client-ca needs --tls-cert and --tls-key")
        if args.insecure_claimed_identity:
            raise CentralCliError("--insecure-claimed-identity and --client-ca exclude each other")
        identity = IdentityMode.TLS
    else:
        if not local:
            raise CentralCliError(
                "without --client-ca the centre serves loopback only: terminals must be known "
                "by their certificates (--tls-cert, --tls-key and --client-ca, or --behind-proxy)"
            )
        identity = IdentityMode.CLAIMED if args.insecure_claimed_identity else IdentityMode.NONE
    if args.proxy_secret_file and not args.behind_proxy:
        raise CentralCliError("--proxy-secret-file belongs with --behind-proxy")
    if args.max_inflight_mb < 0 or args.max_inflight_requests < 0:
        raise CentralCliError("--max-inflight-mb, --max-inflight-requests: 0 (no limit) or more")
    if args.workers < 1 or args.threads < 1 or args.max_body_mb < 1 or args.request_timeout < 1:
        raise CentralCliError("--workers, --threads, --max-body-mb, --request-timeout: at least 1")
    db_url = _db_url(args.db)
    if args.workers > 1 and db_url.startswith("sqlite"):
        raise CentralCliError(
            "SQLite has one writer: --workers above 1 needs PostgreSQL (--db postgresql://...)"
        )
    return CentreSettings(
        db_url=db_url,
        blob_store=_blob_spec(args, db_url),
        identity=identity,
        client_ca=str(Path(args.client_ca).resolve()) if args.client_ca else None,
        proxy_secret_file=(
            str(Path(args.proxy_secret_file).resolve()) if args.proxy_secret_file else None
        ),
        docs=args.docs,
        max_body_bytes=int(args.max_body_mb * MiB),
        max_inflight_bytes=int(args.max_inflight_mb * MiB / args.workers),
        max_inflight_requests=(
            max(1, args.max_inflight_requests // args.workers) if args.max_inflight_requests else 0
        ),
        request_timeout_s=float(args.request_timeout),
        threads=args.threads,
        retention=_retention(args),
        purge_every_s=float(args.purge_every),
        fleet_repo=_fleet_repo(args.fleet_repo),
    )


def _fleet_repo(value: str | None) -> str | None:
    if not value:
        return None
    from central.fleet.repo import RepoLayout

    if not RepoLayout(Path(value)).exists():
        raise CentralCliError(
            f"--fleet-repo {value}: not a fleet repository (kiosk-central fleet init --repo DIR)"
        )
    return str(Path(value).resolve())


def _log_config(level: str) -> dict[str, object]:
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    loggers = config["loggers"]
    assert isinstance(loggers, dict)
    loggers["central"] = {"handlers": ["default"], "level": level.upper(), "propagate": False}
    return config


def _serve(args: argparse.Namespace) -> int:
    from central.blobstore import open_blob_store
    from central.service import serve
    from central.settings import SETTINGS_ENV, IdentityMode
    from central.store import open_database

    settings = settings_from(args)
    # Schema and blob folder made once here, not raced by the workers.
    db = open_database(settings.db_url, 1)
    from central.fleet.store import create_fleet_schema

    create_fleet_schema(db.writer)
    db.dispose()
    open_blob_store(settings.blob_store)
    if settings.identity is IdentityMode.CLAIMED:
        print(
            "kiosk-central: DEVELOPMENT MODE: terminal ids are taken from requests, unverified "
            "(loopback only)",
            file=sys.stderr,
        )
    os.environ[SETTINGS_ENV] = settings.to_json()
    kwargs: dict[str, object] = {}
    if args.uds is not None:
        kwargs["uds"] = args.uds
    else:
        kwargs.update(host=args.host, port=args.port)
    if args.tls_cert:
        kwargs.update(ssl_certfile=args.tls_cert, ssl_keyfile=args.tls_key)
    if args.client_ca and not args.behind_proxy:
        # Optional at the TLS layer: staff connect with a token and no certificate. Any
        # certificate sent is verified in the handshake; terminal routes refuse requests
        # without one (central.auth).
        kwargs.update(ssl_ca_certs=args.client_ca, ssl_cert_reqs=ssl.CERT_OPTIONAL)
    serve(  # uvicorn.run, telling systemd READY=1 once it serves (Type=notify)
        "central.app:app_from_environment",
        factory=True,
        workers=args.workers,
        http="central.tls:CentreH11Protocol",
        loop="uvloop",  # TLS and sockets in C: every terminal reconnects at once after an outage
        log_level=args.log_level,
        log_config=_log_config(args.log_level),
        access_log=False,
        proxy_headers=False,
        server_header=False,
        timeout_keep_alive=KEEP_ALIVE_S,
        limit_concurrency=args.max_connections,
        timeout_graceful_shutdown=5,
        **kwargs,  # type: ignore[arg-type]
    )
    return 0


def _stats(args: argparse.Namespace) -> int:
    from central.store import open_database, read_stats

    db = open_database(_db_url(args.db), 1)
    try:
        stats = read_stats(db).as_dict()
    finally:
        db.dispose()
    if args.json:
        json.dump(stats, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(f"submissions        {stats['submissions']}")
        print(f"test submissions   {stats['test_submissions']}")
        print(f"duplicates refused {stats['duplicates_refused']}")
        print(f"key conflicts      {stats['conflicts']}")
        print(
            f"purged (retention) {stats['purged_submissions']} submissions, "
            f"{stats['purged_blobs']} blobs"
        )
        print(f"blobs stored       {stats['blobs']} ({stats['blob_bytes']} bytes)")
        for tid, n in sorted(stats["terminals"].items()):
            print(f"terminal {tid:<10} {n}")
    return 0


def _gen_certs(args: argparse.Namespace) -> int:
    from central.certs import CertificateError, generate

    try:
        paths = generate(Path(args.dir), args.terminal or [], args.hall, args.host, args.days)
    except CertificateError as exc:
        raise CentralCliError(exc.reason) from None
    for name, path in paths.items():
        print(f"{name:<20} {path}")
    return 0


def _credentials(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from central.credentials import Credentials
    from central.store import open_database

    return Credentials(open_database(_db_url(args.db), 1))


def _revoke(args: argparse.Namespace) -> int:
    import datetime as dt

    from central.credentials import CredentialError

    creds = _credentials(args)
    try:
        if args.list:
            for r in creds.revocation_list():
                when = dt.datetime.fromtimestamp(r.revoked_at, dt.UTC).isoformat(timespec="seconds")
                what = f"terminal {r.terminal_id}" if r.terminal_id else f"serial {r.serial}"
                print(f"{when}  {what}  {r.reason}")
            return 0
        if not args.terminal and not args.serial:
            raise CentralCliError("name a terminal id or --serial HEX (or --list)")
        at = creds.revoke(args.terminal, args.serial, args.reason or "")
    except CredentialError as exc:
        raise CentralCliError(exc.reason) from None
    finally:
        creds.db.dispose()
    when = dt.datetime.fromtimestamp(at, dt.UTC).isoformat(timespec="seconds")
    if args.terminal:
        print(
            f"terminal {args.terminal}: every certificate issued until {when} is refused from "
            "its next request; a certificate issued afterwards (gen-certs) is accepted"
        )
    else:
        print(f"certificate serial {args.serial}: refused from its next request")
    return 0


def _staff(args: argparse.Namespace) -> int:
    from central.credentials import CredentialError, Role

    creds = _credentials(args)
    try:
        if args.staff_command == "add":
            token = creds.add_staff(args.name, Role(args.role), args.hall)
            print(token)
            print(
                f"staff {args.name} ({args.role}): the line above is the bearer token; it is "
                "shown only now (the centre keeps its hash)",
                file=sys.stderr,
            )
        elif args.staff_command == "remove":
            if not creds.remove_staff(args.name):
                raise CentralCliError(f"no staff member {args.name!r}")
        else:
            for m in creds.list_staff():
                print(f"{m.name:<24} {m.role.value:<8} {m.hall_id or '(every hall)'}")
    except CredentialError as exc:
        raise CentralCliError(exc.reason) from None
    finally:
        creds.db.dispose()
    return 0


def _purge(args: argparse.Namespace) -> int:
    from central.blobstore import open_blob_store
    from central.retention import Purger
    from central.store import CentralStore, open_database

    url = _db_url(args.db)
    db = open_database(url, 1)
    try:
        purger = Purger(CentralStore(db, open_blob_store(_blob_spec(args, url))), _retention(args))
        report = purger.purge(dry_run=args.dry_run)
        orphans = purger.sweep_orphans() if args.orphans and not args.dry_run else 0
    finally:
        db.dispose()
    verb = "would purge" if args.dry_run else "purged"
    for kind, n in sorted(report.submissions.items()):
        print(f"{verb} {n:>8} {kind}")
    print(
        f"{verb} {report.total_submissions} submission(s), {report.blobs} blob(s)"
        + (f", {orphans} orphan file(s)" if args.orphans else "")
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kiosk-central", description="The hall kiosk centre.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def db_option(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--db", help=f"database URL or SQLite path (default {DEFAULT_DB})")

    serve = sub.add_parser("serve", help="run the HTTP API")
    db_option(serve)
    serve.add_argument(
        "--blobs",
        help="blob store: a folder or s3://BUCKET/PREFIX "
        "(default: a folder beside a SQLite database)",
    )
    serve.add_argument("--config", help="centre config file (TOML: [retention])")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8443)
    serve.add_argument("--uds", help="listen on this unix socket instead (for a proxy)")
    serve.add_argument("--tls-cert", help="server certificate (PEM)")
    serve.add_argument("--tls-key", help="server private key (PEM)")
    serve.add_argument("--client-ca", help="CA that signs terminal certificates")
    serve.add_argument(
        "--behind-proxy",
        action="store_true",
        help="a reverse proxy on this host terminates mTLS and forwards the "
        "verified certificate in X-Client-Cert",
    )
    serve.add_argument(
        "--proxy-secret-file", help="the proxy sends this file's content in X-Proxy-Secret"
    )
    serve.add_argument(
        "--insecure-claimed-identity",
        action="store_true",
        help="DEVELOPMENT ONLY (loopback): accept the terminal ids requests "
        "name, without certificates",
    )
    serve.add_argument("--docs", action="store_true", help="serve /v1/docs and /v1/openapi.json")
    serve.add_argument("--workers", type=int, default=1, help="processes (PostgreSQL only)")
    serve.add_argument(
        "--threads",
        type=int,
        default=16,
        help="request threads per process (= database connections)",
    )
    serve.add_argument("--max-body-mb", type=float, default=16)
    serve.add_argument(
        "--max-inflight-mb",
        type=float,
        default=24,
        help="submission bytes the centre works on at once (all workers); more waits with "
        "503 + Retry-After; 0: no limit",
    )
    serve.add_argument(
        "--max-inflight-requests",
        type=int,
        default=8,
        help="submission requests the centre works on at once (all workers, at least one "
        "each); more wait with 503 + Retry-After; 0: no limit. Each costs a transaction "
        "and its fsyncs whatever its size: a storm of small batches is bounded by this",
    )
    serve.add_argument(
        "--request-timeout",
        type=float,
        default=60,
        help="seconds a whole request may take to arrive",
    )
    serve.add_argument("--max-connections", type=int, default=2048)
    serve.add_argument(
        "--purge-every",
        type=float,
        default=3600,
        help="seconds between retention purges (0: only kiosk-central purge)",
    )
    serve.add_argument("--log-level", default="warning")
    serve.add_argument("--fleet-repo", metavar="DIR", help="serve this fleet repository")
    serve.set_defaults(func=_serve)

    stats = sub.add_parser("stats", help="counts of submissions, duplicates, purges, terminals")
    db_option(stats)
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(func=_stats)

    gen = sub.add_parser("gen-certs", help="CA (made or reused), server and terminal certificates")
    gen.add_argument("dir", help="output directory (its CA is reused when present)")
    gen.add_argument("--terminal", action="append", help="terminal id (repeat)")
    gen.add_argument("--hall", help="the hall of these terminals (goes into their certificates)")
    gen.add_argument("--host", action="append", help="server host name or IP (repeat)")
    gen.add_argument("--days", type=int, default=825, help="validity of new certificates")
    gen.set_defaults(func=_gen_certs)

    revoke = sub.add_parser("revoke", help="refuse a terminal's certificates from now on")
    db_option(revoke)
    revoke.add_argument("terminal", nargs="?", help="terminal id: all its certificates so far")
    revoke.add_argument("--serial", help="one certificate, by serial number (hex)")
    revoke.add_argument("--reason", help="kept with the revocation (no personal data)")
    revoke.add_argument("--list", action="store_true", help="print the revocation list")
    revoke.set_defaults(func=_revoke)

    staff = sub.add_parser("staff", help="staff bearer tokens (counters, admins)")
    staff_sub = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    add = staff_sub.add_parser("add", help="create a staff member; prints the token once")
    add.add_argument("name")
    add.add_argument("--role", choices=["counter", "admin"], required=True)
    add.add_argument("--hall", help="a counter's hall")
    remove = staff_sub.add_parser("remove", help="remove a staff member (their token stops)")
    remove.add_argument("name")
    listing = staff_sub.add_parser("list", help="staff members (never tokens)")
    for sp in (add, remove, listing):
        db_option(sp)
    staff.set_defaults(func=_staff)

    purge = sub.add_parser("purge", help="delete submissions and blobs past their retention")
    db_option(purge)
    purge.add_argument("--blobs", help="blob store (as for serve)")
    purge.add_argument("--config", help="centre config file (TOML: [retention])")
    purge.add_argument("--dry-run", action="store_true", help="count only")
    purge.add_argument(
        "--orphans",
        action="store_true",
        help="also sweep blob files no row names (walks the whole store)",
    )
    purge.set_defaults(func=_purge)
    from central.fleet.cli import register as register_fleet

    register_fleet(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from central.blobstore import BlobStoreError
    from central.fleet.cli import FleetCliError
    from central.schema import SchemaError
    from central.settings import SettingsError

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (CentralCliError, SettingsError, SchemaError, FleetCliError) as exc:
        print(f"kiosk-central: {exc}", file=sys.stderr)
        return 1
    except BlobStoreError as exc:
        print(f"kiosk-central: blob store: {exc.reason}", file=sys.stderr)
        return 1
    except ArgumentError as exc:
        print(f"kiosk-central: bad --db URL: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        # The first line only: later lines of a driver error can quote a row.
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
