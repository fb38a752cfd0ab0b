"""The diagnostics panel: every device, its health and counters, and a test button.

One language per screen: states, counters, test outcomes and the reasons drivers give
are shown in the panel's language where the table below knows them. Device URIs are
identifiers and stay as configured.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Property, Signal, Slot

from devices.base import DeviceKind
from kiosk.flows.diagnostics import DiagnosticsJourney
from kiosk.technician.self_test import TestOutcome
from ui.viewmodels.base import ScreenViewModel

_NAMES = {
    DeviceKind.ID_CARD: ("身份证阅读器", "ID card reader"),
    DeviceKind.CAMERA: ("摄像头", "Camera"),
    DeviceKind.FORM_PRINTER: ("A4 打印机", "A4 printer"),
    DeviceKind.TICKET_PRINTER: ("排队票打印机", "Ticket printer"),
    DeviceKind.VOICE: ("语音", "Voice"),
}
_STATES = {"ok": ("正常", "OK"), "degraded": ("降级", "Degraded"), "fault": ("故障", "Fault")}
_COUNTERS = {
    "tickets": ("出票", "tickets"),
    "failed": ("失败", "failed"),
    "pages": ("页数", "pages"),
    "jobs": ("作业", "jobs"),
    "jobs_failed": ("失败作业", "failed jobs"),
    "jobs_stopped": ("停止作业", "stopped jobs"),
    "submit_failed": ("提交失败", "submit failures"),
    "cups_unreachable": ("打印服务不可达", "print service unreachable"),
    "resumed": ("恢复", "resumed"),
    "stopped": ("停止", "stopped"),
    "prompts": ("语音提示", "prompts"),
    "reads": ("读卡", "reads"),
    "no_card": ("无卡", "no card"),
    "read_failures": ("读卡失败", "read failures"),
    "poll_failures": ("轮询失败", "poll failures"),
    "cards_inserted": ("放卡", "cards placed"),
    "cards_removed": ("取卡", "cards removed"),
    "photo_decode_failures": ("照片解码失败", "photo decode failures"),
    "service_errors": ("服务错误", "service errors"),
    "frames": ("画面帧", "frames"),
    "status_reads": ("状态读取", "status reads"),
    "bytes": ("字节", "bytes"),
    "replaced_chars": ("替换字符", "replaced characters"),
}
# What drivers say (health reasons, failed tests), in Chinese.
_REASONS = {
    "paper low": "纸将用完",
    "paper_out": "缺纸",
    "media-empty": "缺纸",
    "cover_open": "机盖打开",
    "offline": "离线",
    "error": "故障",
    "camera unplugged": "摄像头已断开",
    "starting": "正在启动",
    "no frame within 3 s": "3 秒内没有画面",
    "reader not connected": "读卡器未连接",
    "no PC/SC reader connected": "未连接读卡器",
    "pyscard is not installed": "未安装 pyscard",
    "espeak-ng not installed: prompts are silent": "未安装 espeak-ng，语音无声",
    "no card": "没有卡",
}
# Self-test outcomes (kiosk/technician/self_test.py), Chinese and English.
_TESTS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"^test ticket printed$"), "测试票已打印", "Test ticket printed"),
    (
        re.compile(r"^test page printed \(job (\S+)\)$"),
        "测试页已打印（作业 {0}）",
        "Test page printed (job {0})",
    ),
    (
        re.compile(r"^card read: (\S+) number valid$"),
        "已读卡：{0}，号码有效",
        "Card read: {0}, number valid",
    ),
    (
        re.compile(r"^card read: (\S+) number INVALID$"),
        "已读卡：{0}，号码无效",
        "Card read: {0}, number INVALID",
    ),
    (re.compile(r"^card read: (\S+)$"), "已读卡：{0}", "Card read: {0}"),
    (re.compile(r"^frame (\d+x\d+) #(\d+)$"), "画面 {0}，第 {1} 帧", "Frame {0}, #{1}"),
    (re.compile(r"^speaking: .*$"), "正在播放测试语音", "Speaking the test prompt"),
]


class TechPanelViewModel(ScreenViewModel):
    changed = Signal()

    def _reason(self, reason: str) -> str:
        if self._c.language != "zh_CN" or not reason:
            return reason
        return _REASONS.get(reason, _REASONS.get(reason.lower(), reason))

    def _test(self, outcome: TestOutcome) -> str:
        mark = "✓" if outcome.ok else "✗"
        message = outcome.message
        for pattern, zh, en in _TESTS:
            m = pattern.match(message)
            if m:
                message = self.pick(zh, en).format(*m.groups())
                break
        else:
            if not outcome.ok:
                message = self.pick("失败：", "Failed: ") + self._reason(message)
        seconds = self.pick(f"{outcome.seconds:.1f} 秒", f"{outcome.seconds:.1f} s")
        return (
            f"{mark} {message}（{seconds}）"
            if self._c.language == "zh_CN"
            else (f"{mark} {message} ({seconds})")
        )

    def _rows(self) -> list[dict[str, object]]:
        j = self._c.journey_as(DiagnosticsJourney)
        if j is None:
            return []
        out: list[dict[str, object]] = []
        for row in j.rows():
            zh, en = _NAMES[row.kind]
            counters = "  ".join(
                f"{self.pick(*_COUNTERS.get(k, (k, k)))} {v}"
                for k, v in sorted(row.health.counters.items())
            )
            test = ""
            if row.testing:
                test = self.pick("测试中…", "Testing…")
            elif row.last_test is not None:
                test = self._test(row.last_test)
            state = row.health.state.value
            out.append(
                {
                    "kind": row.kind.value,
                    "name": self.pick(zh, en),
                    "uri": row.uri,
                    "state": state,
                    "stateText": self.pick(*_STATES.get(state, (state, state))),
                    "reason": self._reason(row.health.reason),
                    "counters": counters,
                    "test": test,
                    "testOk": bool(row.last_test and row.last_test.ok),
                }
            )
        return out

    rows = Property("QVariantList", _rows, notify=changed)

    def tick(self) -> None:
        if self._c.journey_as(DiagnosticsJourney) is not None:
            self.changed.emit()  # live health

    @Slot(str)
    def test(self, kind: str) -> None:
        j = self._c.journey_as(DiagnosticsJourney)
        if j is not None:
            j.run_test(DeviceKind(kind))
        self._c.acted(self.now())
