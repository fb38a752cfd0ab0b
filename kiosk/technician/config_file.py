"""Set one string key in the terminal's TOML config file, keeping everything else as it is
(comments, order, other keys), so a technician's command can change a setting without a
TOML library that rewrites the file."""

from __future__ import annotations

import json
import os
import re
import stat
import tomllib
from pathlib import Path


class ConfigEditError(Exception):
    """The file could not be changed; the message names the file and what to do."""


def _quoted(value: str) -> str:
    # A TOML basic string is a JSON string for the characters a hash or URL holds.
    return json.dumps(value, ensure_ascii=False)


def with_value(text: str, table: str, key: str, value: str) -> str:
    """``text`` with ``[table] key = "value"`` set: the key replaced where it is, added
    under the table's header, or a new table appended."""
    lines = text.splitlines(keepends=True)
    header = re.compile(r"^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]\s*(#.*)?$")
    assign = re.compile(rf"^(\s*){re.escape(key)}\s*=")
    current = None
    table_at: int | None = None
    for i, line in enumerate(lines):
        found = header.match(line.rstrip("\r\n"))
        if found:
            current = found.group(1)
            if current == table:
                table_at = i
            continue
        if current == table and assign.match(line):
            indent = assign.match(line).group(1)  # type: ignore[union-attr]
            lines[i] = f"{indent}{key} = {_quoted(value)}\n"
            return "".join(lines)
    entry = f"{key} = {_quoted(value)}\n"
    if table_at is not None:
        lines.insert(table_at + 1, entry)
        return "".join(lines)
    sep = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
    return text + f"{sep}[{table}]\n{entry}"


def set_value(path: Path, table: str, key: str, value: str) -> None:
    """Write ``[table] key = "value"`` into ``path`` (created if missing), atomically,
    keeping the file's mode and owner (the kiosk's service user must still read it)."""
    try:
        text = path.read_text(encoding="utf-8")
        st: os.stat_result | None = path.stat()
    except FileNotFoundError:
        text, st = "", None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigEditError(f"cannot read {path}: {exc}") from None
    new = with_value(text, table, key, value)
    try:
        parsed = tomllib.loads(new)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigEditError(f"{path} is not valid TOML ({exc}): fix it first") from None
    if parsed.get(table, {}).get(key) != value:
        raise ConfigEditError(
            f"cannot place {table}.{key} in {path} (dotted keys or an inline table?):"
            f" set it by hand: [{table}] {key} = {_quoted(value)}"
        )
    mode = stat.S_IMODE(st.st_mode) if st else 0o644
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(new)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        if st is not None and os.geteuid() == 0:
            os.chown(tmp, st.st_uid, st.st_gid)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ConfigEditError(f"cannot write {path}: {exc.strerror}") from None
