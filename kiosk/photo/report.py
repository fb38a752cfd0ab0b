"""The JSON report of ``kiosk photo process`` (shape fixed by issue 6)."""

from __future__ import annotations

from typing import Any

from kiosk.photo.context import PhotoContext


def output_geometry(ctx: PhotoContext) -> dict[str, Any]:
    """Face geometry measured on the output image, in pixels and as fractions."""
    if ctx.output is None:
        return {}
    h, w = ctx.output.shape[:2]
    geo: dict[str, Any] = {"width": w, "height": h, "bytes": len(ctx.jpeg or b"")}
    if ctx.jpeg_quality is not None:
        geo["jpeg_quality"] = ctx.jpeg_quality
    geo["dpi"] = ctx.spec.dpi
    head, face = ctx.out_head, ctx.out_face
    if head is None or face is None:
        geo["face_found"] = False
        return geo
    geo.update(
        face_found=True,
        head_height_px=round(head.height, 1),
        head_width_px=round(head.width, 1),
        crown_margin_px=round(head.crown_y, 1),
        chin_margin_px=round(h - head.chin_y, 1),
        face_centre_x_px=round(head.centre_x, 1),
        eye_line_from_bottom_px=round(h - float(face.eyes_mid[1]), 1),
        head_height_ratio=round(head.height / h, 4),
        head_width_ratio=round(head.width / w, 4),
        crown_margin_ratio=round(head.crown_y / h, 4),
        chin_margin_ratio=round((h - head.chin_y) / h, 4),
        roll_deg=round(face.roll(), 2),
    )
    return geo


def build_report(ctx: PhotoContext) -> dict[str, Any]:
    return {
        "compliant": ctx.compliant and ctx.output is not None,
        "faces": ctx.faces_found,
        "checks": [c.as_dict() for c in ctx.checks],
        "output": output_geometry(ctx) if ctx.output is not None else None,
    }
