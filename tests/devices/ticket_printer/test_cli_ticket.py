"""``kiosk ticket print|test-print`` and ``kiosk doctor`` against a TCP printer."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import fast
from escpos_peer import TcpPrinter

from kiosk.cli import main


@pytest.fixture(autouse=True)
def _fresh_log_handler() -> Iterator[None]:
    """main() adds a stderr log handler once per process; capsys swaps stderr per test."""
    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_kiosk", False)]:
        root.removeHandler(handler)


SECRET = "5f0c9e6b8a2d4e17b3c1f0a9d8e7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2918273"


def config_file(tmp_path: Path, printer_uri: str, extra: str = "") -> str:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[terminal]\nid = "T07"\ndata_dir = "{tmp_path}"\n'
        "[devices]\n"
        f'ticket_printer = "{fast(printer_uri)}"\n'
        '[ticket]\noffline_tag = "G"\n'
        # a provisioned hall's secret: without one, doctor reports a fault
        f'verification_secret = "{SECRET}"\n' + extra,
        encoding="utf-8",
    )
    return str(path)


def test_print_json_and_what_is_on_the_paper(
    tmp_path: Path, tcp_printer: TcpPrinter, capsys: pytest.CaptureFixture[str]
) -> None:
    config = config_file(tmp_path, tcp_printer.uri)
    assert main(["ticket", "print", "--service", "SHEBAO", "--json", "--config", config]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["number"] == "CG001"
    assert (out["printed"], out["printer_status"]) == (True, "ok")
    assert (out["service_name"], out["service_name_en"]) == (
        "社保医保",
        "Social and medical insurance",
    )
    paper = tcp_printer.printer.paper
    assert paper.line("CG001").width == 4
    assert paper.qr_payloads == [out["qr_payload"]]
    assert "社保医保" in paper.text


def test_paper_out_prints_the_json_and_exits_non_zero(
    tmp_path: Path, tcp_printer: TcpPrinter, capsys: pytest.CaptureFixture[str]
) -> None:
    config = config_file(tmp_path, tcp_printer.uri)
    tcp_printer.printer.paper_end = True
    assert main(["ticket", "print", "--service", "HUJI", "--json", "--config", config]) == 1
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert (out["number"], out["printed"], out["printer_status"]) == ("AG001", False, "paper_out")
    assert "Traceback" not in captured.err
    assert captured.err.strip().splitlines()[-1] == (
        "kiosk: ticket AG001 was issued but not printed: paper_out"
    )
    tcp_printer.printer.paper_end = False
    assert main(["ticket", "print", "--service", "HUJI", "--config", config]) == 0
    assert capsys.readouterr().out.startswith("AG002  户籍业务")  # never reused


def test_printer_override_and_bad_input_give_one_line(
    tmp_path: Path, tcp_printer: TcpPrinter, capsys: pytest.CaptureFixture[str]
) -> None:
    config = config_file(tmp_path, "sim://")
    assert main(["ticket", "print", "--service", "NOPE", "--config", config]) == 1
    assert capsys.readouterr().err.startswith("kiosk: unknown service 'NOPE' (known: HUJI")
    assert (
        main(["ticket", "print", "--service", "HUJI", "--printer", "lp://x", "--config", config])
        == 1
    )
    assert "no ticket_printer driver for lp://" in capsys.readouterr().err
    args = [
        "ticket",
        "print",
        "--service",
        "QIYE",
        "--printer",
        tcp_printer.uri,
        "--config",
        config,
    ]
    assert main(args) == 0
    assert "DG001" in tcp_printer.printer.paper.text


def test_test_print_shows_every_character_class_and_reports_the_charset(
    tmp_path: Path, tcp_printer: TcpPrinter, capsys: pytest.CaptureFixture[str]
) -> None:
    config = config_file(tmp_path, tcp_printer.uri, '[ticket.printer]\ncode_page = "gbk"\n')
    assert main(["ticket", "test-print", "--config", config]) == 0
    out = capsys.readouterr().out
    assert "printer status: ok" in out
    assert "not in gbk, printed as □: 㐀(U+3400) 䶵(U+4DB5) 𠀀(U+20000) 𪚥(U+2A6A5)" in out
    text = "\n".join(tcp_printer.printer.paper.text)
    assert "全角标点：（）【】《》" in text and "□□□□" in text


def test_test_print_on_a_silent_printer_fails_in_bounded_time(
    tmp_path: Path, tcp_printer: TcpPrinter, capsys: pytest.CaptureFixture[str]
) -> None:
    tcp_printer.printer.silent = True
    config = config_file(tmp_path, tcp_printer.uri)
    assert main(["ticket", "test-print", "--config", config]) == 1
    assert capsys.readouterr().err.startswith("kiosk: test page not printed: offline")


def test_doctor_reports_printer_health_from_status_bytes(
    tmp_path: Path, tcp_printer: TcpPrinter, capsys: pytest.CaptureFixture[str]
) -> None:
    config = config_file(tmp_path, tcp_printer.uri)
    tcp_printer.printer.cover_open = True
    assert main(["doctor", "--json", "--config", config]) == 1
    rows = {r["device"]: r for r in json.loads(capsys.readouterr().out)["devices"]}
    assert (rows["ticket_printer"]["state"], rows["ticket_printer"]["reason"]) == (
        "fault",
        "cover_open",
    )
    tcp_printer.printer.cover_open = False
    tcp_printer.printer.paper_near_end = True
    assert main(["doctor", "--json", "--config", config]) == 0
    rows = {r["device"]: r for r in json.loads(capsys.readouterr().out)["devices"]}
    assert (rows["ticket_printer"]["state"], rows["ticket_printer"]["reason"]) == (
        "degraded",
        "paper_low",
    )
