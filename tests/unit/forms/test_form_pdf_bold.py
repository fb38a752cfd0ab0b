"""Form PDFs use the same real bold face as the screen (ui.resources.register_fonts)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from forms_samples import GOOD_ANSWERS, TODAY

from devices.idcard.record import IdDocument
from kiosk.forms.catalog import FormCatalog
from kiosk.forms.filled import fill
from kiosk.forms.ports import PageHeader, load_renderer

pytestmark = pytest.mark.qt


def test_headings_use_the_bold_face_and_still_extract(
    catalog: FormCatalog, card: IdDocument, tmp_path: Path
) -> None:
    form = catalog.get("hk_macau_travel")
    filled = fill(form, GOOD_ANSWERS[form.id], card, today=TODAY, receipt="T01-20261127-7KQ3MX")
    path = tmp_path / "form.pdf"
    path.write_bytes(load_renderer().render_pdf(filled, PageHeader("武汉市民之家", "W", "T01")))
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    names = [line.split()[0] for line in fonts.stdout.splitlines()[2:]]
    assert any(n.endswith("WenQuanYiMicroHei-Bold") for n in names), names
    assert any(n.endswith("WenQuanYiMicroHei") for n in names), names
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True)
    assert "往来港澳通行证及签注申请表" in text.stdout  # the bold title reads back exactly
