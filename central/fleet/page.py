"""The ``/fleet`` page: server-rendered HTML, no JavaScript, refreshes itself.

Faults first: the banner counts, then every terminal that needs someone (device fault,
failed update, offline), then the rollouts, then the halls, then every terminal.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from central.fleet.rollout import RolloutProgress
from central.fleet.status import FleetStatus, TerminalState, TerminalView

REFRESH_S = 30

_CSS = """
body{font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC",sans-serif;margin:0;background:#f4f5f7;
color:#1d2330}
header{background:#1d2330;color:#fff;padding:12px 24px;display:flex;align-items:baseline;gap:24px}
header h1{font-size:22px;margin:0} header .when{color:#b8c0d0;font-size:14px}
main{padding:16px 24px} h2{font-size:18px;margin:24px 0 8px}
.counts{display:flex;gap:12px;flex-wrap:wrap}
.count{background:#fff;border-radius:6px;padding:10px 16px;min-width:110px;
border-left:6px solid #9aa3b5}
.count b{font-size:26px;display:block}
.fault{border-color:#c62828}.offline{border-color:#6d4c41}.degraded{border-color:#f9a825}
.ok{border-color:#2e7d32}.shutdown{border-color:#9aa3b5}
table{border-collapse:collapse;width:100%;background:#fff;border-radius:6px;overflow:hidden}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #e3e6ec;font-size:14px;
vertical-align:top}
th{background:#e9ecf2;font-weight:600}
.pill{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;
font-weight:600;white-space:nowrap}
.repo{color:#4a5163;font-size:14px;margin:10px 0 0}
.pill.fault{background:#c62828}.pill.offline{background:#6d4c41}.pill.degraded{background:#f9a825;
color:#1d2330}.pill.ok{background:#2e7d32}.pill.shutdown{background:#9aa3b5}
.pill.halted{background:#c62828}.pill.complete{background:#2e7d32}.pill.rolling{background:#1565c0}
.bar{background:#e3e6ec;border-radius:4px;height:14px;width:260px;display:flex;overflow:hidden}
.bar span{display:block;height:100%}.bar .a{background:#2e7d32}.bar .f{background:#c62828}
.bar .p{background:#90caf9}
.warning{background:#fff3cd;border-left:6px solid #c62828;padding:8px 12px;margin:12px 0}
.muted{color:#6b7385}.problems{margin:0;padding-left:18px}
"""

_STATE_ZH = {
    TerminalState.FAULT: "故障 fault",
    TerminalState.OFFLINE: "离线 offline",
    TerminalState.DEGRADED: "降级 degraded",
    TerminalState.OK: "正常 ok",
    TerminalState.SHUTDOWN: "已关机 shut down",
}


def _ago(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86400:.0f} d"


def _pill(state: str, text: str) -> str:
    return f'<span class="pill {escape(state)}">{escape(text)}</span>'


def _terminal_rows(terminals: list[TerminalView]) -> str:
    rows = []
    for t in terminals:
        problems = "".join(f"<li>{escape(p)}</li>" for p in t.problems)
        backlog = str(t.backlog)
        if t.oldest_age_s:
            backlog += f' <span class="muted">(oldest {_ago(t.oldest_age_s)})</span>'
        rows.append(
            "<tr>"
            f"<td><b>{escape(t.terminal_id)}</b></td>"
            f"<td>{escape(t.hall_id)}</td>"
            f"<td>{_pill(t.state.value, _STATE_ZH[t.state])}</td>"
            f"<td>{_ago(t.last_seen_ago_s)}</td>"
            f"<td>{escape(t.software or '-')}</td>"
            f"<td>{escape(t.config_label)}</td>"
            f"<td>{backlog}</td>"
            f'<td><ul class="problems">{problems}</ul></td>'
            "</tr>"
        )
    head = (
        "<tr><th>终端 Terminal</th><th>大厅 Hall</th><th>状态 State</th><th>上次心跳 Last seen"
        "</th><th>软件 Software</th><th>配置 Config</th><th>待发 Backlog</th>"
        "<th>问题 Problems</th></tr>"
    )
    return f"<table>{head}{''.join(rows)}</table>"


def _rollout_rows(rollouts: list[RolloutProgress]) -> str:
    rows = []
    for r in rollouts:
        total = max(1, r.in_scope)
        widths = [(r.applied, "a"), (r.failed, "f"), (r.pending, "p")]
        bar = "".join(
            f'<span class="{cls}" style="width:{n * 100 / total:.1f}%"></span>'
            for n, cls in widths
            if n
        )
        state_cls = {"halted": "halted", "complete": "complete"}.get(r.state, "rolling")
        plan = r.row.plan
        rows.append(
            "<tr>"
            f"<td><b>{escape(r.row.path)}</b> v{r.row.version}</td>"
            f"<td>{_pill(state_cls, r.state)}</td>"
            f"<td>{r.row.stage + 1}: {escape(r.stage_label)}</td>"
            f'<td><div class="bar" title="applied / failed / pending">{bar}</div>'
            f"{r.applied} applied · {r.failed} failed · {r.pending} pending · "
            f"{r.in_scope} in scope</td>"
            f"<td>stop above {int(plan.get('max_failure_pct', 0))}% failed</td>"
            f"<td>{escape(r.row.reason)}</td>"
            "</tr>"
        )
    head = (
        "<tr><th>Bundle</th><th>状态 State</th><th>阶段 Stage</th><th>进度 Progress</th>"
        "<th>Threshold</th><th>Reason</th></tr>"
    )
    return f"<table>{head}{''.join(rows)}</table>"


def _hall_rows(status: FleetStatus) -> str:
    rows = "".join(
        "<tr>"
        f"<td><b>{escape(h.hall_id)}</b></td><td>{h.terminals}</td><td>{h.online}</td>"
        f"<td>{_pill('fault', str(h.faults)) if h.faults else '0'}</td><td>{h.backlog}</td>"
        "</tr>"
        for h in status.halls
    )
    head = (
        "<tr><th>大厅 Hall</th><th>终端 Terminals</th><th>在线 Online</th><th>故障 Faults</th>"
        "<th>待发 Backlog</th></tr>"
    )
    return f"<table>{head}{rows}</table>"


def _assist_rows(calls: list[dict[str, Any]]) -> str:
    rows = "".join(
        "<tr>"
        + "".join(f"<td>{escape(str(call.get(k, '')))}</td>" for k in ("terminal_id", "hall_id"))
        + f"<td>{_ago(call.get('age_s'))}</td><td>{escape(str(call.get('reason', '')))}</td></tr>"
        for call in calls
    )
    head = "<tr><th>终端 Terminal</th><th>大厅 Hall</th><th>等待 Waiting</th><th>Reason</th></tr>"
    return f"<table>{head}{rows}</table>"


def render(status: FleetStatus, assist_calls: list[dict[str, Any]] | None = None) -> str:
    when = dt.datetime.fromtimestamp(status.generated_at).strftime("%Y-%m-%d %H:%M:%S")
    counts = status.counts()
    boxes = "".join(
        f'<div class="count {s.value}"><b>{counts[s.value]}</b>{escape(_STATE_ZH[s])}</div>'
        for s in TerminalState
    )
    needs = [t for t in status.terminals if t.state in (TerminalState.FAULT, TerminalState.OFFLINE)]
    parts = [
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>",
        f"<meta http-equiv='refresh' content='{REFRESH_S}'>",
        "<title>终端群 Fleet</title>",
        f"<style>{_CSS}</style></head><body>",
        "<header><h1>终端群 Fleet</h1>",
        f"<span class='when'>{escape(when)} · refreshes every {REFRESH_S} s</span></header><main>",
        f"<div class='counts'>{boxes}</div>",
    ]
    repo = status.repository
    if repo is not None:
        expires = repo["targets"]["expires"][:10]
        parts.append(
            f"<p class='repo'>签名配置 Signed configuration: targets v{repo['targets']['version']}"
            f" (valid until {escape(expires)}), {len(repo['bundles'])} bundle(s)</p>"
        )
    for warning in status.warnings:
        parts.append(f"<p class='warning'>⚠ {escape(warning)}</p>")
    if assist_calls is not None:
        parts.append(f"<h2>呼叫工作人员 Staff calls ({len(assist_calls)})</h2>")
        parts.append(_assist_rows(assist_calls) if assist_calls else "<p class='muted'>none</p>")
    parts.append(f"<h2>需要处理 Needs attention ({len(needs)})</h2>")
    parts.append(_terminal_rows(needs) if needs else "<p class='muted'>nothing</p>")
    parts.append(f"<h2>发布 Rollouts ({len(status.rollouts)})</h2>")
    parts.append(_rollout_rows(status.rollouts) if status.rollouts else "<p class='muted'>none</p>")
    parts.append(f"<h2>大厅 Halls ({len(status.halls)})</h2>")
    parts.append(_hall_rows(status))
    parts.append(f"<h2>全部终端 All terminals ({len(status.terminals)})</h2>")
    parts.append(_terminal_rows(status.terminals))
    parts.append("</main></body></html>")
    return "".join(parts)
