"""The A4 rendering: Chinese text reads back from the PDF, fields and pages are there."""

from __future__ import annotations

import subprocess
import sys

import cv2
import pytest
import skimage.data
from forms_samples import GOOD_ANSWERS, TODAY

from kiosk.forms.filled import fill
from kiosk.forms.loader import parse_definition
from kiosk.forms.ports import PageHeader, load_renderer

pytestmark = pytest.mark.qt
HEADER = PageHeader("武汉市民之家", "Wuhan Citizen Centre", "T01")


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _info(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout


def test_chinese_extracts_exactly(catalog, card, tmp_path):
    # 民 is the character Noto CJK turns into a radical in Qt's PDF writer.
    card.name = "王民生"
    card.ethnicity = "蒙古"
    form = catalog.get("hk_macau_travel")
    filled = fill(form, GOOD_ANSWERS[form.id], card, today=TODAY, receipt="T01-20261127-7KQ3MX")
    pdf = load_renderer().render_pdf(filled, HEADER)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf, tmp_path)
    for expected in (
        "武汉市民之家",
        "往来港澳通行证及签注申请表",
        "王民生",
        "蒙古",
        "420103199003070017",
        "湖北省武汉市江汉区市民之家路1号",
        "武汉市江汉区新华路1号2栋301",
        "香港 Hong Kong",
        "个人旅游 Individual tourism",
        "否 No",
        "T01-20261127-7KQ3MX",
        "第 1 页，共 1 页",
        "申请人签名",
        "本人承诺以上填写内容真实",
    ):
        assert expected in text, expected
    info = _info(pdf, tmp_path)
    assert "595 x 842 pts (A4)" in info


def _long_form() -> str:
    head = 'id = "long"\nversion = 1\ntitle = "长表"\ntitle_en = "Long form"\n'
    body = ""
    for s in range(3):
        body += f'[[sections]]\nid = "s{s}"\ntitle = "第{s}部分"\ntitle_en = "Part {s}"\n'
        for f in range(12):
            body += (
                f'[[sections.fields]]\nname = "f{s}_{f}"\ntype = "address"\nlabel = "地址{f}"\n'
                f'label_en = "Address {f}"\nwidth = "full"\n'
            )
    return head + body


def test_long_forms_flow_onto_numbered_pages(tmp_path):
    form = parse_definition(_long_form(), "long.toml")
    answers = {f.name: f"湖北省武汉市江汉区民意街{f.name}号" * 3 for f in form.fields()}
    filled = fill(form, answers, today=TODAY, receipt="T01-20261127-7KQ3MX")
    pdf = load_renderer().render_pdf(filled, HEADER)
    pages = int(_info(pdf, tmp_path).split("Pages:")[1].split()[0])
    assert pages >= 2
    text = _text(pdf, tmp_path)
    assert f"第 {pages} 页，共 {pages} 页 · Page {pages} of {pages}" in text
    assert text.count("回执号 Receipt") == pages  # every page carries the receipt number
    assert "湖北省武汉市江汉区民意街f2_11号" in text  # the last field made it


def test_photo_is_drawn_in_its_box(catalog, card, tmp_path):
    face = skimage.data.astronaut()[0:300, 120:330]
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(face, cv2.COLOR_RGB2BGR))
    assert ok
    form = catalog.get("residence_permit")
    with_photo = fill(
        form,
        GOOD_ANSWERS[form.id],
        card,
        photo=jpeg.tobytes(),
        today=TODAY,
        receipt="T01-20261127-7KQ3MX",
    )
    without = fill(form, GOOD_ANSWERS[form.id], card, today=TODAY, receipt="T01-20261127-7KQ3MX")
    renderer = load_renderer()
    pdf_with, pdf_without = (
        renderer.render_pdf(with_photo, HEADER),
        renderer.render_pdf(without, HEADER),
    )
    path = tmp_path / "photo.pdf"
    path.write_bytes(pdf_with)
    images = subprocess.run(
        ["pdfimages", "-list", str(path)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert len(images) == 1
    assert "Photo 33×48 mm" in _text(pdf_without, tmp_path)
    assert "Photo 33×48 mm" not in _text(pdf_with, tmp_path)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_rendering_does_not_eat_none(catalog, card):
    form = catalog.get("hk_macau_travel")
    filled = fill(form, GOOD_ANSWERS[form.id], card, today=TODAY, receipt="T01-20261127-7KQ3MX")
    renderer = load_renderer()
    renderer.render_pdf(filled, HEADER)
    before = sys.getrefcount(None)
    for _ in range(10):
        renderer.render_pdf(filled, HEADER)
    assert sys.getrefcount(None) >= before
