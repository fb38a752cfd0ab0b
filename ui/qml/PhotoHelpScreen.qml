import QtQuick

// Three tries without a good photo: a person helps (no staff call exists yet:
// the screen asks the citizen to ask staff). They can also try once more.
Item {
    objectName: "photoHelpScreen"
    Header { id: header; anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right }

    Rectangle {
        anchors.top: header.bottom
        anchors.topMargin: 60
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(parent.width - 200, 1400)
        height: parent.height - header.height - 300
        radius: 32
        color: "white"
        border.color: root.accent
        border.width: 6
        Column {
            anchors.centerIn: parent
            width: parent.width - 160
            spacing: 32
            Text {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                text: qsTr("Please ask a member of staff for help")
                color: root.ink
                font.pixelSize: 64 * root.s
                font.bold: true
            }
            Text {
                objectName: "helpTries"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                text: qsTr("We tried %n times without a photo that meets the rules. Please wait here.", "", photoHelp.tries)
                color: root.muted
                font.pixelSize: 40 * root.s
            }
        }
    }
    Row {
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 40
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: 48
        KButton {
            objectName: "helpRetake"
            width: 520
            fill: "#ffffff"
            textColor: root.ink
            text: qsTr("Try again")
            onTapped: photoHelp.retake()
        }
        KButton {
            objectName: "helpDone"
            width: 520
            fill: root.primary
            text: qsTr("Finish")
            onTapped: photoHelp.done()
        }
    }
}
