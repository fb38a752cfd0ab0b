"""A real portrait that performs the actions: the simulated camera's stand-in citizen.

The face mesh of a still portrait is moved in 3-D (head turned or nodded about a pivot
behind the face, eyelids brought down onto the lower lids, jaw dropped) and the picture
is warped piecewise-affinely from the old mesh to the new one. The tour, the demo
camera and the tests use it; it is never part of a decision.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kiosk.identity.challenges import Action

Image = npt.NDArray[np.uint8]

# Eye contours (mediapipe's annotation names: corners, upper lid rings 0..2 from the lid
# margin up, lower lid ring 0), image-left eye = the subject's right.
_EYES = (
    (
        (33, 133),
        ((246, 161, 160, 159, 158, 157, 173), (247, 30, 29, 27, 28, 56, 190),
         (113, 225, 224, 223, 222, 221, 189)),
        (7, 163, 144, 145, 153, 154, 155),
    ),
    (
        (263, 362),
        ((466, 388, 387, 386, 385, 384, 398), (467, 260, 259, 257, 258, 286, 414),
         (342, 445, 444, 443, 442, 441, 413)),
        (249, 390, 373, 374, 380, 381, 382),
    ),
)  # fmt: skip
# How far each upper ring comes down with the lid: the lid and lashes move as one,
# the stretch goes to the skin under the brow (a shut eye, not a smeared open one).
_LID_FOLLOW = (1.0, 0.9, 0.45)
_INNER_UPPER = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308)
_INNER_LOWER = (78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308)
_MOUTH_LEFT, _MOUTH_RIGHT = 61, 291
_CHIN = 152
_MESH_POINTS = 468  # without the iris points: they would fight the closing lids


@dataclass(frozen=True)
class Pose:
    """How far each movement is done: 0 = neutral."""

    yaw: float = 0.0  # degrees, + = the subject's own left
    pitch: float = 0.0  # degrees, + = head down
    lids: float = 0.0  # 0 open .. 1 shut
    jaw: float = 0.0  # 0 closed .. 1 wide open
    dx: float = 0.0  # sway, pixels
    dy: float = 0.0


def pose_for(action: Action, phase: float) -> Pose:
    """The pose ``phase`` (0..1) of the way through ``action``: in, hold, back out."""
    k = math.sin(math.pi * min(max(phase, 0.0), 1.0))  # 0 -> 1 -> 0
    hold = min(1.0, 1.6 * k)
    if action is Action.BLINK:
        return Pose(lids=hold)
    if action is Action.OPEN_MOUTH:
        return Pose(jaw=hold)
    if action is Action.TURN_LEFT:
        return Pose(yaw=32.0 * hold)
    if action is Action.TURN_RIGHT:
        return Pose(yaw=-32.0 * hold)
    return Pose(pitch=22.0 * hold)


def _key(x: float, y: float) -> tuple[float, float]:
    # Subdiv2D hands points back as float32: compare them at that precision.
    return float(np.float32(x)), float(np.float32(y))


class Puppet:
    """Renders ``portrait`` (BGR) in any :class:`Pose`. Needs one face in the portrait."""

    def __init__(self, portrait: Image, mesh: npt.NDArray[np.float64]) -> None:
        """``mesh``: the portrait's face mesh in pixels (x, y, z; z on the x scale)."""
        import cv2

        self.image = np.ascontiguousarray(portrait)
        h, w = portrait.shape[:2]
        pts = mesh[:_MESH_POINTS].astype(np.float64)
        self.mesh = pts
        lo, hi = pts[:, :2].min(axis=0), pts[:, :2].max(axis=0)
        centre = (lo + hi) / 2
        size = float(max(hi - lo))
        self.face_width = float(hi[0] - lo[0])
        # Fixed anchors: a ring around the face and the frame's border keep the
        # background still while the skin between ring and face stretches.
        ring = [
            centre + 0.95 * size * np.array([math.cos(a), math.sin(a) * 1.1])
            for a in np.linspace(0, 2 * math.pi, 24, endpoint=False)
        ]
        border = [
            (x, y)
            for x in np.linspace(0, w - 1, 6)
            for y in np.linspace(0, h - 1, 5)
            if x in (0, w - 1) or y in (0, h - 1)
        ]
        anchors = np.array([*ring, *border], np.float64)
        anchors[:, 0] = anchors[:, 0].clip(0, w - 1)
        anchors[:, 1] = anchors[:, 1].clip(0, h - 1)
        self.anchors = anchors
        all_pts = np.vstack([pts[:, :2], anchors])
        subdiv = cv2.Subdiv2D((0, 0, w, h))
        index = {}
        for i, (x, y) in enumerate(all_pts):
            key = _key(min(max(x, 0), w - 1), min(max(y, 0), h - 1))
            if key in index:
                continue
            index[key] = i
            subdiv.insert(key)
        tris = []
        for t in subdiv.getTriangleList():
            ids = [index.get(_key(t[k], t[k + 1])) for k in (0, 2, 4)]
            if None not in ids:
                tris.append(ids)
        self.triangles = np.array(tris, np.int32)
        self.source = all_pts
        # Rotation pivot: the middle of the head, behind the face.
        self.pivot = np.array([centre[0], centre[1], float(pts[:, 2].mean()) + 0.55 * size])
        ring_lo = np.floor(np.min(ring, axis=0)).astype(int).clip(0)
        ring_hi = np.ceil(np.max(ring, axis=0)).astype(int) + 1
        self._roi = (
            int(ring_lo[0]),
            int(ring_lo[1]),
            int(min(ring_hi[0], w)),
            int(min(ring_hi[1], h)),
        )
        x0, y0, x1, y1 = self._roi
        ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        self._grid = (xs, ys)

    def _moved(self, pose: Pose) -> npt.NDArray[np.float64]:
        """Mesh points (x, y, z) after the expression and the head movement."""
        p = self.mesh.copy()
        if pose.lids > 0:
            for (c0, c1), upper, lower in _EYES:
                lx = np.array([p[i, 0] for i in (c0, *lower, c1)])
                ly = np.array([p[i, 1] for i in (c0, *lower, c1)])
                order = np.argsort(lx)
                lid = upper[0]
                for k, i in enumerate(lid):
                    drop = float(np.interp(p[i, 0], lx[order], ly[order])) - p[i, 1]
                    for ring, follow in zip(upper, _LID_FOLLOW, strict=True):
                        p[ring[k], 1] += pose.lids * follow * drop
        if pose.jaw > 0:
            width = float(np.linalg.norm(p[_MOUTH_RIGHT, :2] - p[_MOUTH_LEFT, :2]))
            gap = 0.6 * width * pose.jaw
            top = float(np.mean([p[i, 1] for i in _INNER_UPPER]))
            bottom = float(np.mean([p[i, 1] for i in _INNER_LOWER]))
            mid_x = float(p[[_MOUTH_LEFT, _MOUTH_RIGHT], 0].mean())
            chin = float(p[_CHIN, 1])
            below = p[:, 1] > (top + bottom) / 2
            # Full drop from the lower lip down to the chin, fading towards the ears.
            fade = np.exp(-(((p[:, 0] - mid_x) / (0.55 * self.face_width)) ** 2))
            ramp = np.clip((p[:, 1] - top) / max(bottom - top, 1.0), 0, 1)
            ramp = np.where(p[:, 1] > chin, 1.0, ramp)
            p[:, 1] += np.where(below, gap * ramp * fade, 0.0)
        if pose.yaw or pose.pitch:
            a, b = math.radians(pose.yaw), math.radians(pose.pitch)
            # Turning to the subject's left moves the nose towards the image's right;
            # nodding down moves it towards the image's bottom (mediapipe z: + is away).
            ry = np.array(
                [[math.cos(a), 0, -math.sin(a)], [0, 1, 0], [math.sin(a), 0, math.cos(a)]]
            )
            rx = np.array(
                [[1, 0, 0], [0, math.cos(b), -math.sin(b)], [0, math.sin(b), math.cos(b)]]
            )
            p = (p - self.pivot) @ (rx @ ry).T + self.pivot
        p[:, 0] += pose.dx
        p[:, 1] += pose.dy
        return p

    def render(self, pose: Pose) -> Image:
        """The portrait in ``pose`` (a new image)."""
        import cv2

        moved = self._moved(pose)
        dst = np.vstack([moved[:, :2], self.anchors])
        depth = np.concatenate([moved[:, 2], np.full(len(self.anchors), 1e9)])
        src = self.source
        tris = self.triangles
        # Far triangles first, so the near side of a turned head covers the far side.
        order = np.argsort(-depth[tris].mean(axis=1))
        # The warp is worked out inside the box around the anchor ring only: outside it
        # the frame does not move. Full resolution: a shut eye is a thin line.
        x0, y0, x1, y1 = self._roi
        label = np.zeros((y1 - y0, x1 - x0), np.int32)
        d = dst[tris[order]]  # (n, 3, 2): each triangle where it goes
        sr = src[tris[order]]  # and where its pixels come from
        # Per triangle, the affine map from the new place back to the portrait, all at once:
        # [x y 1] of the three corners times M = their source points.
        ax, ay = d[:, 0, 0], d[:, 0, 1]
        ux, uy = d[:, 1, 0] - ax, d[:, 1, 1] - ay
        vx, vy = d[:, 2, 0] - ax, d[:, 2, 1] - ay
        det = ux * vy - vx * uy
        good = np.abs(det) > 1e-3
        det = np.where(good, det, 1.0)
        # Barycentric weights of (x, y): b1 = (vy*(x-ax) - vx*(y-ay)) / det, b2 likewise;
        # the source point is s0 + b1 (s1 - s0) + b2 (s2 - s0), affine in x and y.
        b1 = np.stack([vy, -vx, -(vy * ax - vx * ay)], axis=1) / det[:, None]
        b2 = np.stack([-uy, ux, -(-uy * ax + ux * ay)], axis=1) / det[:, None]
        s0, e1, e2 = sr[:, 0], sr[:, 1] - sr[:, 0], sr[:, 2] - sr[:, 0]
        rows = e1[:, :, None] * b1[:, None, :] + e2[:, :, None] * b2[:, None, :]
        rows[:, :, 2] += s0
        inverse = np.zeros((len(d) + 1, 2, 3), np.float32)
        inverse[0] = [[1, 0, 0], [0, 1, 0]]
        inverse[1:] = rows
        local = np.round(d - np.array([x0, y0])).astype(np.int32)
        for n in np.flatnonzero(good):
            cv2.fillConvexPoly(label, local[n], (int(n) + 1,))
        m = inverse[label]
        xs, ys = self._grid
        map_x = m[..., 0, 0] * xs + m[..., 0, 1] * ys + m[..., 0, 2]
        map_y = m[..., 1, 0] * xs + m[..., 1, 1] * ys + m[..., 1, 2]
        out = self.image.copy()
        out[y0:y1, x0:x1] = cv2.remap(
            self.image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
        if pose.jaw > 0.05:
            mouth = np.array([dst[i] for i in (*_INNER_UPPER, *reversed(_INNER_LOWER[1:-1]))])
            cv2.fillPoly(out, [np.round(mouth).astype(np.int32)], (28, 18, 40))
        return np.asarray(out, np.uint8)


def puppet_from(portrait: Image) -> Puppet:
    """A puppet of the one face in ``portrait`` (mediapipe fits its mesh)."""
    from kiosk.photo.face import FaceAnalyser

    analyser = FaceAnalyser(live=False, max_faces=1)
    try:
        faces = analyser.meshes(portrait)
    finally:
        analyser.close()
    if not faces:
        raise ValueError("no face in the portrait")
    return Puppet(portrait, faces[0].points)


# A performance: ("rest", seconds) holds still; (Action, seconds) performs it once.
Beat = tuple["Action | str", float]


def performance(
    puppet: Puppet, beats: list[Beat], fps: float = 15.0, sway: float = 2.0
) -> list[tuple[Image, int]]:
    """Frames (and their milliseconds) of the puppet acting out ``beats`` in order, with
    the few pixels of sway of a person standing in front of a camera."""
    frames: list[tuple[Image, int]] = []
    n = 0
    for what, seconds in beats:
        count = max(1, round(seconds * fps))
        for i in range(count):
            base = pose_for(what, (i + 0.5) / count) if isinstance(what, Action) else Pose()
            pose = Pose(
                base.yaw, base.pitch, base.lids, base.jaw,
                dx=sway * math.sin(n / 7), dy=0.5 * sway * math.sin(n / 11),
            )  # fmt: skip
            frames.append((puppet.render(pose), round(n * 1000 / fps)))
            n += 1
    return frames


class Performer:
    """A puppet that acts on cue, for a simulated camera (``SimCamera.play(performer)``).

    The tour or a test calls :meth:`perform` when the screen asks for an action; between
    actions the puppet stands still but for its sway. Thread-safe enough for one cue
    writer and one frame reader (a cue is replaced whole).
    """

    def __init__(
        self, puppet: Puppet, seconds: float = 1.0, clock: Callable[[], float] | None = None
    ) -> None:
        import time

        self.puppet = puppet
        self.seconds = seconds
        self._clock = clock or time.monotonic
        self._cue: tuple[Action, float] | None = None

    def perform(self, action: Action) -> None:
        self._cue = (action, self._clock())

    @property
    def busy(self) -> bool:
        cue = self._cue
        return cue is not None and self._clock() - cue[1] < self.seconds

    def __call__(self, seq: int) -> Image:
        cue = self._cue
        pose = Pose()
        if cue is not None:
            phase = (self._clock() - cue[1]) / self.seconds
            if phase < 1.0:
                pose = pose_for(cue[0], phase)
        return self.puppet.render(
            Pose(
                pose.yaw,
                pose.pitch,
                pose.lids,
                pose.jaw,
                dx=2 * math.sin(seq / 7),
                dy=math.sin(seq / 11),
            )
        )
