"""QR codes for QML: ``image://qr/<url-encoded payload>``."""

from __future__ import annotations

import io
from urllib.parse import quote, unquote

import segno
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtQuick import QQuickImageProvider


def qr_url(payload: str) -> str:
    return "image://qr/" + quote(payload, safe="")


class QrImageProvider(QQuickImageProvider):
    def __init__(self) -> None:
        super().__init__(QQuickImageProvider.ImageType.Image)

    def requestImage(self, id: str, size: QSize, requested: QSize) -> QImage:
        buf = io.BytesIO()
        segno.make(unquote(id), error="m").save(buf, kind="png", scale=12, border=2)
        image = QImage.fromData(buf.getvalue(), "PNG")
        if size is not None:
            size.setWidth(image.width())
            size.setHeight(image.height())
        return image
