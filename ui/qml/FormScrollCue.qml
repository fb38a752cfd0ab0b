import QtQuick

// "More below": a list longer than the screen says so at its foot, and a tap on the cue
// scrolls one page, so the last rows are never silently cut off. The list fades out
// behind it; the cue itself is a button like any other (named, edged, 96 px high).
Item {
    id: cue
    property Flickable flick
    readonly property bool more: flick !== null && flick.contentHeight - flick.contentY - flick.height > 8
    visible: more
    height: 140
    function page() {
        cue.flick.contentY = Math.min(cue.flick.contentY + cue.flick.height * 0.8,
                                      cue.flick.contentHeight - cue.flick.height)
    }
    Rectangle {
        anchors.fill: parent
        gradient: Gradient {
            GradientStop { position: 0.0; color: "#00eef2f7" }
            GradientStop { position: 0.45; color: "#eef2f7" }
        }
    }
    Rectangle {
        objectName: "scrollCueButton"
        anchors.bottom: parent.bottom; anchors.bottomMargin: 8
        anchors.horizontalCenter: parent.horizontalCenter
        width: hint.implicitWidth + 96
        height: Math.max(96, hint.implicitHeight + 32)
        radius: height / 2
        color: tap.pressed ? "#dbe6f3" : "white"
        border.color: root.edge; border.width: 3
        Accessible.role: Accessible.Button
        Accessible.name: root.plain(hint.text)
        Accessible.onPressAction: cue.page()
        Text {
            id: hint
            objectName: "scrollCue"
            anchors.centerIn: parent
            text: qsTr("▼ More below: slide up or tap here")
            color: root.primary; font.pixelSize: 32 * root.s; font.bold: true
        }
        MouseArea { id: tap; anchors.fill: parent; onClicked: cue.page() }
    }
}
