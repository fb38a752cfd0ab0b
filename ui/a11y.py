"""What assistive technology and a contrast checker see on the screen shown now.

Two views of one window:

- :func:`accessible_items`: Qt's accessibility tree (``QAccessible``), every node with
  a role, as name, role and rectangle in screen pixels (``kiosk tour`` writes these to
  ``accessibility.json``);
- :func:`audit_window`: the QML scene itself, read in paint order: every visible text
  with the colour it is drawn in and the colour under it, every tappable item with the
  accessible control it belongs to, and every control's edge against its surroundings.

Colours come from the QML properties (Rectangle ``color``, ``gradient``, ``border``;
Text ``color``, ``style``), composited with each item's effective opacity, so a
contrast figure is the one WCAG 2.x defines, not a guess from anti-aliased pixels.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QPointF, QRectF
from PySide6.QtGui import QAccessible, QAccessibleInterface, QColor
from PySide6.QtQml import QQmlEngine, QQmlExpression, QQmlProperty
from PySide6.QtQuick import QQuickItem, QQuickWindow

# Roles a finger (or a switch) can act on.
CONTROL_ROLES = frozenset(
    {
        QAccessible.Role.Button,
        QAccessible.Role.CheckBox,
        QAccessible.Role.RadioButton,
        QAccessible.Role.ComboBox,
        QAccessible.Role.EditableText,
        QAccessible.Role.Link,
        QAccessible.Role.PageTab,
        QAccessible.Role.MenuItem,
        QAccessible.Role.ListItem,
        QAccessible.Role.Slider,
        QAccessible.Role.SpinBox,
        QAccessible.Role.ButtonMenu,
        QAccessible.Role.ButtonDropDown,
        QAccessible.Role.Cell,
    }
)
_TAPPABLE_CLASSES = ("QQuickMouseArea", "QQuickAbstractButton", "QQuickTextInput", "QQuickTextEdit")
LARGE_TEXT_PX = 24  # WCAG "large scale" text: 18 pt = 24 px
OBSCURING_ALPHA = 0.5  # a layer at least this opaque painted over an item hides it


@dataclass(frozen=True)
class AccessibleItem:
    """One node of the accessibility tree, in screen pixels."""

    name: str
    role: str
    x: int
    y: int
    w: int
    h: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _role_name(role: QAccessible.Role) -> str:
    return role.name if hasattr(role, "name") else str(role)


def accessible_items(window: QQuickWindow) -> list[AccessibleItem]:
    """Every node of the window's accessibility tree that has a role, depth first."""
    out: list[AccessibleItem] = []
    # The window fills the screen on a terminal; offscreen it may sit a frame's width in.
    origin = window.geometry().topLeft()
    root = QAccessible.queryAccessibleInterface(window)
    stack: list[QAccessibleInterface] = [root] if root is not None else []
    while stack:
        iface = stack.pop()
        if not iface.isValid():
            continue
        role = iface.role()
        if role != QAccessible.Role.NoRole:
            r = iface.rect()
            if not r.isEmpty():  # hidden items report an empty rect at 0,0: keep it so
                r = r.translated(-origin)
            name = iface.text(QAccessible.Text.Name)
            out.append(AccessibleItem(name, _role_name(role), r.x(), r.y(), r.width(), r.height()))
        children = [iface.child(i) for i in range(iface.childCount())]
        stack.extend(c for c in reversed(children) if c is not None)
    return out


# -- colours -----------------------------------------------------------------------


@dataclass(frozen=True)
class Rgba:
    r: float
    g: float
    b: float
    a: float = 1.0

    @classmethod
    def of(cls, colour: QColor, opacity: float = 1.0) -> Rgba:
        return cls(colour.redF(), colour.greenF(), colour.blueF(), colour.alphaF() * opacity)

    def over(self, below: Rgba) -> Rgba:
        """This colour painted over an opaque ``below``."""
        a = self.a
        return Rgba(
            self.r * a + below.r * (1 - a),
            self.g * a + below.g * (1 - a),
            self.b * a + below.b * (1 - a),
        )

    def hex(self) -> str:
        return f"#{round(self.r * 255):02x}{round(self.g * 255):02x}{round(self.b * 255):02x}"

    def luminance(self) -> float:
        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(self.r) + 0.7152 * channel(self.g) + 0.0722 * channel(self.b)


def contrast(a: Rgba, b: Rgba) -> float:
    """WCAG 2.x contrast ratio of two opaque colours (1..21)."""
    la, lb = sorted((a.luminance(), b.luminance()), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# -- the scene in paint order --------------------------------------------------------


@dataclass
class _Layer:
    """Something painted: a filled rectangle (maybe with a border or a gradient) or an
    image whose pixels the QML does not tell."""

    item: QQuickItem
    rect: QRectF  # in scene coordinates, already clipped
    fill: Rgba | None  # None: an image (unknown colours)
    stops: list[tuple[float, Rgba]] = field(default_factory=list)  # vertical gradient
    border: Rgba | None = None
    border_width: float = 0.0

    def colour_at(self, p: QPointF) -> Rgba | None:
        """The colour this layer paints at ``p`` (None: unknown, an image)."""
        if self.fill is None:
            return None
        if not self.stops:
            return self.fill
        t = (p.y() - self.rect.top()) / max(1.0, self.rect.height())
        stops = self.stops
        if t <= stops[0][0]:
            return stops[0][1]
        for (p0, c0), (p1, c1) in itertools.pairwise(stops):
            if p0 <= t <= p1:
                k = (t - p0) / max(1e-9, p1 - p0)
                return Rgba(
                    c0.r + (c1.r - c0.r) * k,
                    c0.g + (c1.g - c0.g) * k,
                    c0.b + (c1.b - c0.b) * k,
                    c0.a + (c1.a - c0.a) * k,
                )
        return stops[-1][1]


def _opacity(item: QQuickItem) -> float:
    value = 1.0
    node: QQuickItem | None = item
    while node is not None:
        value *= node.opacity()
        node = node.parentItem()
    return value


def _scene_rect(item: QQuickItem) -> QRectF:
    return item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))


def _gradient_stops(item: QQuickItem, opacity: float) -> list[tuple[float, Rgba]]:
    gradient = item.property("gradient")
    obj: QObject | None = None
    if isinstance(gradient, QObject):
        obj = gradient
    elif hasattr(gradient, "toQObject"):
        obj = gradient.toQObject()
    if obj is None:
        return []
    stops = [
        (float(c.property("position")), Rgba.of(c.property("color"), opacity))
        for c in obj.children()
        if isinstance(c.property("color"), QColor)
    ]
    return sorted(stops, key=lambda s: s[0])


def _paint_order(item: QQuickItem, clip: QRectF) -> Iterator[tuple[QQuickItem, QRectF]]:
    """Visible items in the order Qt Quick paints them, each with its visible rect."""
    if not item.isVisible() or item.opacity() <= 0:
        return
    rect = _scene_rect(item)
    children = sorted(item.childItems(), key=lambda c: c.z())  # stable: keeps declared order
    below = [c for c in children if c.z() < 0]
    above = [c for c in children if c.z() >= 0]
    inner = clip.intersected(rect) if item.clip() else clip
    for child in below:
        yield from _paint_order(child, inner)
    yield item, clip.intersected(rect)
    for child in above:
        yield from _paint_order(child, inner)


def _layer(item: QQuickItem, rect: QRectF) -> _Layer | None:
    if rect.isEmpty():
        return None
    opacity = _opacity(item)
    if item.inherits("QQuickRectangle"):
        stops = _gradient_stops(item, opacity)
        fill = Rgba.of(item.property("color"), opacity)
        # QQuickPen has no Python converter; QQmlProperty reads grouped properties.
        width = float(QQmlProperty(item, "border.width").read() or 0.0)
        edge = Rgba.of(QQmlProperty(item, "border.color").read(), opacity) if width > 0 else None
        if fill.a <= 0 and not stops and edge is None:
            return None
        return _Layer(item, rect, fill, stops, edge, width)
    if item.inherits("QQuickImage") and str(item.property("source") or ""):
        return _Layer(item, rect, None)
    return None


# -- the audit -----------------------------------------------------------------------


@dataclass(frozen=True)
class TextSample:
    """One visible text: how big, and how it stands out from what is under it."""

    text: str
    pixel_size: int
    bold: bool
    ratio: float  # worst contrast over the text's area; 0 if over an image (see outline)
    needed: float  # 4.5, or 3.0 for large text
    colour: str
    background: str  # "" when over an image
    outline_ratio: float  # text colour against its outline (Text.Outline) if any, else 0
    rect: tuple[int, int, int, int]

    @property
    def over_image(self) -> bool:
        return self.background == ""


@dataclass(frozen=True)
class ControlSample:
    """One accessible control: its name, size, and its edge against the surroundings."""

    name: str
    role: str
    rect: tuple[int, int, int, int]
    edge_ratio: float | None  # best of fill and border against the background; None: no
    # shape of its own (a tap-anywhere area), so no edge to see
    on_screen: bool
    scrollable: bool  # inside a Flickable that scrolls (so it may be outside the view)


@dataclass(frozen=True)
class Tappable:
    """Something a finger can press, and the accessible control that stands for it."""

    kind: str  # the QML class, e.g. QQuickMouseArea
    rect: tuple[int, int, int, int]
    control: str  # the accessible name of the control it belongs to ("" = unnamed)
    role: str  # "" = not in the accessibility tree at all


@dataclass
class ScreenAudit:
    texts: list[TextSample] = field(default_factory=list)
    controls: list[ControlSample] = field(default_factory=list)
    tappables: list[Tappable] = field(default_factory=list)
    scroll_areas: list[tuple[str, bool]] = field(default_factory=list)  # (name, has a cue)


def _tuple(r: QRectF) -> tuple[int, int, int, int]:
    return (round(r.x()), round(r.y()), round(r.width()), round(r.height()))


def _backgrounds(layers: list[_Layer], upto: int, p: QPointF, base: Rgba) -> list[Rgba] | None:
    """The opaque colours possible at ``p`` under layers[:upto]: one when the QML says
    it all; over a picture, the best and worst case (the picture white, or black) seen
    through whatever is painted over it; None when the picture itself is on top."""
    candidates = [base]
    raw_picture = False
    for layer in layers[:upto]:
        if not layer.rect.contains(p):
            continue
        c = layer.colour_at(p)
        if c is None:
            candidates = [Rgba(1, 1, 1), Rgba(0, 0, 0)]  # any pixel of the picture
            raw_picture = True
            continue
        if layer.border is not None and layer.border_width > 0:
            inner = layer.rect.adjusted(
                layer.border_width, layer.border_width, -layer.border_width, -layer.border_width
            )
            if not inner.contains(p):
                c = layer.border
        if c.a <= 0:
            continue
        candidates = [c.over(below) for below in candidates]
        if c.a >= 1:
            candidates = candidates[:1]
        raw_picture = False
    return None if raw_picture else candidates


def _background(layers: list[_Layer], upto: int, p: QPointF, base: Rgba) -> Rgba | None:
    """The one opaque colour at ``p`` (None over a picture)."""
    found = _backgrounds(layers, upto, p, base)
    return found[0] if found is not None and len(found) == 1 else None


def _covered(layers: list[_Layer], after: int, rect: QRectF) -> bool:
    """True if something painted later hides this rect's centre (a modal overlay)."""
    centre = rect.center()
    for layer in layers[after:]:
        if not layer.rect.contains(centre) or layer.fill is None:
            continue
        if layer.fill.a >= OBSCURING_ALPHA and layer.rect.width() * layer.rect.height() > 4 * (
            rect.width() * rect.height()
        ):
            return True
    return False


def _enums(item: QQuickItem, names: tuple[str, ...]) -> list[int]:
    """Enum properties as numbers (PySide6 has no converter for QQuickText's enums;
    QML converts them)."""
    context = QQmlEngine.contextForObject(item)
    if context is None:
        return [0] * len(names)
    expression = QQmlExpression(context, item, "[" + ",".join(f"Number({n})" for n in names) + "]")
    value, undefined = expression.evaluate()
    if undefined or not hasattr(value, "toVariant"):
        return [0] * len(names)
    return [int(v) for v in value.toVariant()]


def _text_rect(item: QQuickItem) -> QRectF:
    """Where the glyphs are, from the content size and the alignment."""
    w = min(float(item.property("contentWidth") or 0), item.width() or 1e9)
    h = min(float(item.property("contentHeight") or 0), item.height() or 1e9)
    if item.inherits("QQuickText"):
        h_align, v_align = _enums(item, ("effectiveHorizontalAlignment", "verticalAlignment"))
    else:
        h_align, v_align = 1, 0x20
    x = 0.0
    if h_align & 0x4:
        x = (item.width() - w) / 2
    elif h_align & 0x2:
        x = item.width() - w
    y = 0.0
    if v_align & 0x80:
        y = (item.height() - h) / 2
    elif v_align & 0x40:
        y = item.height() - h
    return item.mapRectToScene(QRectF(x, y, max(w, 1.0), max(h, 1.0)))


def _samples(rect: QRectF) -> list[QPointF]:
    c = rect.center()
    dx, dy = rect.width() * 0.35, rect.height() * 0.3
    corners = [QPointF(-dx, -dy), QPointF(dx, -dy), QPointF(-dx, dy), QPointF(dx, dy)]
    return [c, *(c + d for d in corners)]


def _accessible_control(item: QQuickItem) -> tuple[QQuickItem, QAccessibleInterface] | None:
    node: QQuickItem | None = item
    while node is not None:
        iface = QAccessible.queryAccessibleInterface(node)
        if iface is not None and iface.isValid() and iface.role() in CONTROL_ROLES:
            return node, iface
        node = node.parentItem()
    return None


def _in_keyboard(item: QQuickItem) -> bool:
    """Inside Qt's virtual keyboard: its keys and touch areas are Qt's own (QtVirtualKeyboard
    does not put them in the accessibility tree), not controls this app draws."""
    node: QQuickItem | None = item
    while node is not None:
        if node.metaObject().className().startswith("InputPanel"):
            return True
        node = node.parentItem()
    return False


def _flickable(item: QQuickItem) -> QQuickItem | None:
    node = item.parentItem()
    while node is not None:
        if node.inherits("QQuickFlickable"):
            return node
        node = node.parentItem()
    return None


def _scrolls(flick: QQuickItem) -> bool:
    return bool(flick.property("interactive")) and (
        float(flick.property("contentHeight") or 0) > flick.height() + 1
        or float(flick.property("contentWidth") or 0) > flick.width() + 1
    )


def _has_scroll_cue(flick: QQuickItem, window: QQuickWindow) -> bool:
    """A visible scroll bar or indicator of this Flickable, or an item named scrollCue*
    shown next to it (an arrow, "more below")."""
    for obj in flick.findChildren(QQuickItem):
        if (
            obj.inherits("QQuickScrollBar") or obj.inherits("QQuickScrollIndicator")
        ) and obj.isVisible():
            return True
    stack = [window.contentItem()]
    while stack:
        node = stack.pop()
        if node.objectName().startswith("scrollCue") and node.isVisible() and node.opacity() > 0:
            return True
        stack.extend(node.childItems())
    return False


def _box(item: QQuickItem) -> QQuickItem | None:
    """The shape that draws a control: itself, its Controls background, or a child
    Rectangle that covers it."""
    if item.inherits("QQuickRectangle"):
        return item
    background = item.property("background")
    if isinstance(background, QQuickItem) and background.inherits("QQuickRectangle"):
        return background
    area = item.width() * item.height()
    for child in item.childItems():
        if child.inherits("QQuickRectangle") and child.width() * child.height() >= 0.9 * area:
            return child
    return None


def audit_window(window: QQuickWindow) -> ScreenAudit:
    """Read the scene as painted now: texts, controls, tappable items, scroll areas."""
    screen = QRectF(0, 0, window.width(), window.height())
    base = Rgba.of(window.color())
    painted = list(_paint_order(window.contentItem(), screen))
    layers: list[_Layer] = []
    index_of: dict[int, int] = {}  # id(item) -> number of layers painted before it
    for item, rect in painted:
        index_of[id(item)] = len(layers)
        layer = _layer(item, rect)
        if layer is not None:
            layers.append(layer)
    audit = ScreenAudit()
    visible = {id(item): rect for item, rect in painted}

    for item, rect in painted:
        if not (item.inherits("QQuickText") or item.inherits("QQuickTextInput")):
            continue
        text = str(item.property("text") or "").strip()
        if not text or rect.isEmpty():
            continue
        before = index_of[id(item)]
        glyphs = _text_rect(item).intersected(rect)
        if glyphs.isEmpty() or _covered(layers, before, glyphs):
            continue
        font: Any = item.property("font")
        px = font.pixelSize() if font.pixelSize() > 0 else round(font.pointSizeF() * 96 / 72)
        opacity = _opacity(item)
        colour = Rgba.of(item.property("color"), opacity)
        worst, worst_bg = 99.0, ""
        for p in _samples(glyphs):
            found = _backgrounds(layers, before, p, base)
            if found is None:
                worst, worst_bg = 0.0, ""
                break
            for bg in found:
                ratio = contrast(colour.over(bg), bg)
                if ratio < worst:
                    worst, worst_bg = ratio, bg.hex()
        outline = 0.0
        style_kind = _enums(item, ("style",))[0] if item.inherits("QQuickText") else 0
        if style_kind in (1, 2, 3):  # Outline, Raised, Sunken
            style = Rgba.of(item.property("styleColor"), opacity)
            # Against the worst case behind it: the outline drawn over white and black.
            outline = min(
                contrast(colour.over(Rgba(1, 1, 1)), style.over(Rgba(1, 1, 1))),
                contrast(colour.over(Rgba(0, 0, 0)), style.over(Rgba(0, 0, 0))),
            )
        audit.texts.append(
            TextSample(
                text=text,
                pixel_size=px,
                bold=bool(font.bold()),
                ratio=round(worst, 2),
                needed=3.0 if px >= LARGE_TEXT_PX else 4.5,
                colour=colour.over(Rgba(1, 1, 1)).hex() if colour.a < 1 else colour.hex(),
                background=worst_bg,
                outline_ratio=round(outline, 2),
                rect=_tuple(glyphs),
            )
        )

    seen_controls: set[int] = set()
    for item, rect in painted:
        if not any(item.inherits(c) for c in _TAPPABLE_CLASSES) or not item.isEnabled():
            continue
        if rect.isEmpty() or _covered(layers, index_of[id(item)], rect) or _in_keyboard(item):
            continue
        found = _accessible_control(item)
        kind = item.metaObject().className()
        if found is None:
            audit.tappables.append(Tappable(kind, _tuple(_scene_rect(item)), "", ""))
            continue
        control, iface = found
        name = iface.text(QAccessible.Text.Name).strip()
        role = _role_name(iface.role())
        audit.tappables.append(Tappable(kind, _tuple(_scene_rect(item)), name, role))
        if id(control) in seen_controls:
            continue
        seen_controls.add(id(control))
        full = _scene_rect(control)
        shown = visible.get(id(control), QRectF())
        flick = _flickable(control)
        on_screen = screen.contains(full) and shown.toRect() == full.toRect()
        edge: float | None = None
        box = _box(control)
        if box is not None and id(box) in index_of:
            layer = _layer(box, visible.get(id(box), full))
            centre = full.center()
            bg = _background(layers, index_of[id(box)], centre, base)
            if layer is not None and bg is not None and layer.fill is not None:
                fill = layer.colour_at(centre) or layer.fill
                edge = contrast(fill.over(bg), bg)
                if layer.border is not None and layer.border_width >= 2:
                    edge = max(edge, contrast(layer.border.over(bg), bg))
        audit.controls.append(
            ControlSample(
                name=name,
                role=role,
                rect=_tuple(full),
                edge_ratio=None if edge is None else round(edge, 2),
                on_screen=on_screen,
                scrollable=flick is not None and _scrolls(flick),
            )
        )

    for item, _rect in painted:
        if item.inherits("QQuickFlickable") and _scrolls(item):
            audit.scroll_areas.append((item.objectName(), _has_scroll_cue(item, window)))
    return audit
