"""``kiosk form``: what a technician or a script sees."""

from __future__ import annotations

import json
import subprocess

import pytest
from forms_samples import GOOD_ANSWERS, make_card

from kiosk.cli import main


def _files(tmp_path, form_id: str, **changes: object):
    card = tmp_path / "card.json"
    card.write_text(json.dumps(make_card().to_json(), ensure_ascii=False), encoding="utf-8")
    data = tmp_path / "data.json"
    answers: dict[str, object] = {**GOOD_ANSWERS[form_id], **changes}
    data.write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
    return card, data


def test_list_and_show_json(capsys):
    assert main(["form", "list", "--json"]) == 0
    ids = {row["id"] for row in json.loads(capsys.readouterr().out)}
    assert ids == {"hk_macau_travel", "residence_permit", "enterprise_registration"}
    assert main(["form", "show", "residence_permit", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert {"id", "title", "fields"} <= shown.keys()
    field = next(f for f in shown["fields"] if f["name"] == "basis")
    assert field == field | {
        "type": "choice",
        "required": True,
        "source": None,
        "options": ["work", "home", "study"],
    }
    assert main(["form", "show", "nope"]) == 1
    assert "known: enterprise_registration" in capsys.readouterr().err


@pytest.mark.qt
def test_fill_writes_pdf(tmp_path, capsys):
    card, data = _files(tmp_path, "residence_permit", with_children=True)
    out = tmp_path / "form.pdf"
    rc = main(
        [
            "form",
            "fill",
            "--form",
            "residence_permit",
            "--id-card",
            str(card),
            "--data",
            str(data),
            "--out",
            str(out),
            "--json",
        ]
    )
    assert rc == 0
    receipt = json.loads(capsys.readouterr().out)["receipt"]
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "张小明" in text and receipt in text and "居住证申领登记表" in text


def test_fill_lists_problems_by_field(tmp_path, capsys):
    card, data = _files(tmp_path, "hk_macau_travel", mobile="12345", trips="9")
    rc = main(
        [
            "form",
            "fill",
            "--form",
            "hk_macau_travel",
            "--id-card",
            str(card),
            "--data",
            str(data),
            "--out",
            str(tmp_path / "x.pdf"),
        ]
    )
    assert rc == 3
    err = capsys.readouterr().err
    assert "mobile: 手机号码应为1开头的11位数字 / A mobile number has 11 digits" in err
    assert "trips: 请从列出的选项中选择一项" in err
    assert "2 answer(s) need fixing" in err
    assert not (tmp_path / "x.pdf").exists()


def test_bad_input_files_are_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2", encoding="utf-8")
    args = ["form", "fill", "--form", "hk_macau_travel", "--data", str(bad), "--out", "x.pdf"]
    assert main(args) == 1
    assert "is not JSON" in capsys.readouterr().err
    _card, data = _files(tmp_path, "hk_macau_travel")
    assert (
        main(
            [
                "form",
                "fill",
                "--form",
                "hk_macau_travel",
                "--id-card",
                str(bad),
                "--data",
                str(data),
                "--out",
                "x.pdf",
            ]
        )
        == 1
    )
    assert "ID card" in capsys.readouterr().err


@pytest.mark.qt
def test_print_to_pdf_folder(tmp_path, capsys):
    card, data = _files(tmp_path, "enterprise_registration")
    rc = main(
        [
            "form",
            "print",
            "--form",
            "enterprise_registration",
            "--id-card",
            str(card),
            "--data",
            str(data),
            "--printer",
            f"pdf://{tmp_path}/out",
            "--json",
        ]
    )
    assert rc == 0
    result = json.loads(capsys.readouterr().out)
    assert result["state"] == "completed" and result["job_id"]
    (saved,) = (tmp_path / "out").glob("*.pdf")
    assert result["receipt"] in saved.name
