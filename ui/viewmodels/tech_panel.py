"""The diagnostics panel: every device, its health and counters, and a test button."""

from __future__ import annotations

from PySide6.QtCore import Property, Signal, Slot

from devices.base import DeviceKind
from kiosk.flows.diagnostics import DiagnosticsJourney
from ui.viewmodels.base import ScreenViewModel

_NAMES = {
    DeviceKind.ID_CARD: ("身份证阅读器", "ID card reader"),
    DeviceKind.CAMERA: ("摄像头", "Camera"),
    DeviceKind.FORM_PRINTER: ("A4 打印机", "A4 printer"),
    DeviceKind.TICKET_PRINTER: ("排队票打印机", "Ticket printer"),
    DeviceKind.VOICE: ("语音", "Voice"),
}


class TechPanelViewModel(ScreenViewModel):
    changed = Signal()

    def _rows(self) -> list[dict[str, object]]:
        j = self._c.journey_as(DiagnosticsJourney)
        if j is None:
            return []
        out: list[dict[str, object]] = []
        for row in j.rows():
            zh, en = _NAMES[row.kind]
            counters = "  ".join(f"{k} {v}" for k, v in sorted(row.health.counters.items()))
            test = ""
            if row.testing:
                test = self.pick("测试中…", "testing…")
            elif row.last_test is not None:
                mark = "✓" if row.last_test.ok else "✗"
                test = f"{mark} {row.last_test.message} ({row.last_test.seconds:.1f} s)"
            out.append(
                {
                    "kind": row.kind.value,
                    "name": self.pick(zh, en),
                    "uri": row.uri,
                    "state": row.health.state.value,
                    "reason": row.health.reason,
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
