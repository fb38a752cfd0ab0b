import QtQuick

// Consent declined: face recognition is never the only way. The counter route, plainly.
Item {
    objectName: "identityCounterScreen"
    Header { id: header; anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right }
    Column {
        anchors.centerIn: parent
        width: Math.min(parent.width - 200, 1400)
        spacing: 36
        Text {
            objectName: "counterHeadline"
            width: parent.width; wrapMode: Text.WordWrap
            text: qsTr("No face recognition: please go to a counter")
            color: root.primary; font.pixelSize: 60 * root.s; font.bold: true
        }
        Text {
            width: parent.width; wrapMode: Text.WordWrap
            text: qsTr("Bring your original ID card, passport or permit. Staff check it with you in person. Nothing was collected here.")
            color: root.ink; font.pixelSize: 40 * root.s
        }
    }
    KButton {
        objectName: "counterDone"
        anchors.bottom: parent.bottom; anchors.bottomMargin: 40
        anchors.horizontalCenter: parent.horizontalCenter
        width: 720
        fill: root.primary
        text: qsTr("Done (%1)").arg(Math.max(0, identityCounter.secondsLeft))
        onTapped: identityCounter.done()
    }
}
