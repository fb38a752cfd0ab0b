import QtQuick

// "More below": a list longer than the screen says so at its foot, and a tap on the cue
// scrolls one page, so the last rows are never silently cut off.
Item {
    id: cue
    property Flickable flick
    readonly property bool more: flick !== null && flick.contentHeight - flick.contentY - flick.height > 8
    visible: more
    height: 112
    Accessible.role: Accessible.Button
    Accessible.name: hint.text
    Rectangle {
        anchors.fill: parent
        gradient: Gradient {
            GradientStop { position: 0.0; color: "#00eef2f7" }
            GradientStop { position: 0.45; color: "#eef2f7" }
        }
    }
    Text {
        id: hint
        objectName: "scrollCue"
        anchors.bottom: parent.bottom; anchors.bottomMargin: 10
        anchors.horizontalCenter: parent.horizontalCenter
        text: qsTr("▼ More below: slide up or tap here")
        color: root.primary; font.pixelSize: 32 * root.s; font.bold: true
    }
    MouseArea {
        anchors.fill: parent
        onClicked: cue.flick.contentY = Math.min(cue.flick.contentY + cue.flick.height * 0.8,
                                                 cue.flick.contentHeight - cue.flick.height)
    }
}
