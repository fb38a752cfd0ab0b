import QtQuick
import QtQuick.Window

// The frame around every screen. The core decides which screen shows
// (shell.screenFile); this file only hosts it and the idle overlay.
Window {
    id: root
    width: 1920
    height: 1080
    visible: true
    title: "Hall kiosk"
    color: "#eef2f7"

    // Text scale for the large-text mode; every screen multiplies by it.
    readonly property real s: shell.scale
    readonly property color primary: "#0b4a8b"
    readonly property color accent: "#c8102e"
    readonly property color ink: "#1b2430"
    readonly property color muted: "#5a6878"
    // Edges of white controls and cards: 4.5:1 on white, 4:1 on the page (WCAG 1.4.11).
    readonly property color edge: "#6b7888"
    // Status colours dark enough for text on white and on the page (>= 4.5:1).
    readonly property color ok: "#1a7a43"
    readonly property color warn: "#8a6100"

    // Text without the word joiners that keep Chinese phrases on one line (ui/linebreak.py):
    // what assistive technology should read.
    function plain(text) { return String(text).replace(/\u2060/g, "") }

    Loader {
        id: screenLoader
        objectName: "screenLoader"
        anchors.fill: parent
        source: shell.screenFile
    }

    StaffCallBanner {
        anchors.top: parent.top
        anchors.topMargin: 148
        anchors.horizontalCenter: parent.horizontalCenter
    }

    IdleOverlay {
        anchors.fill: parent
        visible: shell.idleSeconds >= 0
    }
}
