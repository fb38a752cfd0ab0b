import QtQuick

// "Still there?": shown after the idle timeout; when the count reaches zero the
// session ends and everything it held is wiped.
Rectangle {
    id: overlay
    objectName: "idleOverlay"
    color: "#cc0b1a2b"

    // A touch anywhere counts as "still here"; nothing under the dimming is hit by mistake.
    MouseArea {
        anchors.fill: parent
        onClicked: shell.stillHere()
        Accessible.role: Accessible.Button
        Accessible.name: root.plain(qsTr("I'm still here"))
        Accessible.onPressAction: shell.stillHere()
    }

    Rectangle {
        anchors.centerIn: parent
        width: Math.min(parent.width * 0.7, 1100)
        height: content.implicitHeight + 120
        radius: 32
        color: "white"
        Column {
            id: content
            anchors.centerIn: parent
            width: parent.width - 120
            spacing: 36
            Text {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                text: qsTr("Are you still there?")
                color: root.ink
                font.pixelSize: 64 * root.s
                font.bold: true
            }
            Text {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                text: qsTr("For your privacy this session ends in %1 seconds.").arg(Math.max(0, shell.idleSeconds))
                color: root.muted
                font.pixelSize: 38 * root.s
            }
            KButton {
                objectName: "stillHereButton"
                anchors.horizontalCenter: parent.horizontalCenter
                width: parent.width * 0.7
                fill: root.primary
                fontSize: 46
                text: qsTr("I'm still here")
                onTapped: shell.stillHere()
            }
        }
    }
}
