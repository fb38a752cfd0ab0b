"""The still-photo pipeline: swappable handlers over one :class:`PhotoContext`.

``Pipeline.default()`` is detect -> segment -> level -> measure -> crop -> warp ->
matte -> remeasure -> checks -> export. Replace or insert a handler to change one
step (a different matting, say) without touching the others.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from kiosk.photo import geometry
from kiosk.photo.checks import run_checks, thresholds
from kiosk.photo.context import Image, PhotoContext
from kiosk.photo.errors import FaceCountError
from kiosk.photo.export import export_jpeg
from kiosk.photo.face import FaceAnalyser, Segmenter
from kiosk.photo.matte import composite, matte_still
from kiosk.photo.specs import PhotoSpec


class Handler(Protocol):
    name: str

    def __call__(self, ctx: PhotoContext) -> None: ...


@dataclass
class Models:
    """The mediapipe graphs a pipeline uses; built once, they cost ~100 ms each."""

    faces: FaceAnalyser
    segmenter: Segmenter

    @classmethod
    def load(cls) -> Models:
        return cls(FaceAnalyser(live=False), Segmenter(landscape=False))

    def close(self) -> None:
        self.faces.close()
        self.segmenter.close()


@dataclass
class DetectFaces:
    """Count faces (detector), fit the mesh of the one face; else FaceCountError."""

    models: Models
    name: str = "detect"

    def __call__(self, ctx: PhotoContext) -> None:
        found = self.models.faces.count_faces(ctx.image)
        meshes = self.models.faces.meshes(ctx.image) if found == 1 else []
        ctx.faces_found = found if meshes or found != 1 else 0
        if ctx.faces_found != 1:
            ctx.checks = run_checks(ctx, ("face_count",))
            raise FaceCountError(ctx.faces_found)
        ctx.face = meshes[0]


@dataclass
class SegmentPerson:
    models: Models
    name: str = "segment"

    def __call__(self, ctx: PhotoContext) -> None:
        ctx.mask = self.models.segmenter.mask(ctx.image)


@dataclass
class PlanCrop:
    """Level small roll, find the crown, and plan the spec's crop in one affine."""

    name: str = "plan"

    def __call__(self, ctx: PhotoContext) -> None:
        assert ctx.face is not None
        max_roll = float(thresholds()["pose"]["straighten_up_to"])
        rot, ctx.roll_applied = geometry.straighten(ctx.face, max_roll)
        h, w = ctx.image.shape[:2]
        level_face = ctx.face.transformed(rot, (w, h))
        level_mask = None
        if ctx.mask is not None:
            import cv2

            level_mask = np.asarray(
                cv2.warpAffine(ctx.mask, rot, (w, h), flags=cv2.INTER_LINEAR), np.float32
            )
        ctx.head = geometry.measure_head(level_face, level_mask)
        crop, ctx.scale = geometry.plan_crop(ctx.head, ctx.spec, (w, h))
        ctx.transform = geometry.compose(crop, rot)
        out_size = (ctx.spec.width_px, ctx.spec.height_px)
        crown_out = crop[1, 1] * ctx.head.crown_y + crop[1, 2]
        ctx.outside_fraction = geometry.outside_fraction(ctx.transform, out_size, (w, h), crown_out)


@dataclass
class WarpAndMatte:
    """Warp to the output size, matte the person, composite on the spec colour."""

    models: Models
    name: str = "matte"

    def __call__(self, ctx: PhotoContext) -> None:
        assert ctx.transform is not None
        size = (ctx.spec.width_px, ctx.spec.height_px)
        cropped = geometry.warp(ctx.image, ctx.transform, size)
        mask = self.models.segmenter.mask(cropped)
        if ctx.mask is not None:
            # The source mask saw the whole scene (hats, hair at the frame edge): the
            # union of both keeps what either found; matting settles the edge.
            import cv2

            # Only above the chin: lower down the source mask tends to take in flags
            # and chair backs beside the shoulders.
            src_mask = np.asarray(
                cv2.warpAffine(ctx.mask, ctx.transform, size, flags=cv2.INTER_LINEAR),
                np.float32,
            )
            assert ctx.face is not None
            chin_out = int(ctx.face.transformed(ctx.transform, size).chin[1])
            src_mask[max(0, chin_out) :] = 0
            mask = np.maximum(mask, src_mask)
        alpha, fg = matte_still(cropped, mask)
        ctx.alpha = alpha
        ctx.output = composite(fg, alpha, ctx.spec.background_bgr(ctx.background))


@dataclass
class Remeasure:
    """Measure the face geometry again on the output (what the report states)."""

    models: Models
    name: str = "remeasure"

    def __call__(self, ctx: PhotoContext) -> None:
        assert ctx.output is not None
        meshes = self.models.faces.meshes(ctx.output)
        if meshes:
            ctx.out_face = meshes[0]
            ctx.out_head = geometry.measure_head(meshes[0], ctx.alpha)


@dataclass
class RunChecks:
    name: str = "checks"

    def __call__(self, ctx: PhotoContext) -> None:
        ctx.checks = run_checks(ctx)


@dataclass
class Export:
    name: str = "export"

    def __call__(self, ctx: PhotoContext) -> None:
        assert ctx.output is not None
        encoded = export_jpeg(ctx.output, ctx.spec)
        ctx.jpeg, ctx.jpeg_quality = encoded.data, encoded.quality
        size_kb = len(encoded.data) / 1024
        lo, hi = ctx.spec.min_kb, ctx.spec.max_kb
        if lo is not None or hi is not None:
            from kiosk.photo.context import CheckResult

            limit = f"{lo or 0}..{hi if hi is not None else 'any'} KB"
            ctx.checks.append(
                CheckResult("file_size_kb", size_kb, limit, encoded.fits, source="the spec")
            )


class Pipeline:
    """Runs handlers in order over one context, timing each."""

    def __init__(self, handlers: Sequence[Handler]) -> None:
        self.handlers = list(handlers)

    @classmethod
    def default(cls, models: Models) -> Pipeline:
        return cls(
            [
                DetectFaces(models),
                SegmentPerson(models),
                PlanCrop(),
                WarpAndMatte(models),
                Remeasure(models),
                RunChecks(),
                Export(),
            ]
        )

    def replace(self, name: str, handler: Handler) -> None:
        """Swap the handler called ``name`` for another."""
        index = next(i for i, h in enumerate(self.handlers) if h.name == name)
        self.handlers[index] = handler

    def run(self, image: Image, spec: PhotoSpec, background: str | None = None) -> PhotoContext:
        """Produce the spec's photo from ``image`` (BGR); FaceCountError if not one face."""
        spec.background_hex(background)  # a bad colour fails before any work
        ctx = PhotoContext(image=image, spec=spec, background=background)
        for handler in self.handlers:
            start = time.perf_counter()
            handler(ctx)
            ctx.timings_ms[handler.name] = (time.perf_counter() - start) * 1000
        return ctx
