import QtQuick

// Asks before Exit throws away a half-filled form, and says what would be lost.
Rectangle {
    id: dialog
    property string message: ""
    property bool open: false
    visible: open
    anchors.fill: parent
    z: 200
    color: "#b3000000"
    onOpenChanged: if (open) Qt.inputMethod.hide()
    MouseArea { anchors.fill: parent }  // nothing behind can be tapped while it asks
    Rectangle {
        objectName: "exitConfirm"
        anchors.centerIn: parent
        width: Math.min(parent.width - 160, 1400)
        height: column.implicitHeight + 112
        radius: 28; color: "white"
        Column {
            id: column
            anchors.centerIn: parent
            width: parent.width - 120
            spacing: 40
            Text {
                width: parent.width; wrapMode: Text.WordWrap; horizontalAlignment: Text.AlignHCenter
                text: qsTr("Exit and clear this form?")
                color: root.ink; font.pixelSize: 52 * root.s; font.bold: true
            }
            Text {
                objectName: "exitLoses"
                width: parent.width; wrapMode: Text.WordWrap
                textFormat: Text.PlainText
                text: dialog.message
                color: root.ink; font.pixelSize: 38 * root.s
            }
            Row {
                anchors.horizontalCenter: parent.horizontalCenter
                spacing: 48
                KButton {
                    objectName: "keepFillingButton"
                    width: 560; fill: root.primary
                    text: qsTr("Keep filling in")
                    onTapped: dialog.open = false
                }
                KButton {
                    objectName: "exitConfirmButton"
                    width: 560; fill: root.accent
                    text: qsTr("Exit and clear")
                    onTapped: { dialog.open = false; shell.cancel() }
                }
            }
        }
    }
}
