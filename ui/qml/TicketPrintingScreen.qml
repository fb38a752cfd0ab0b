import QtQuick

// While the printer works: never a frozen screen.
Item {
    objectName: "ticketPrintingScreen"
    Rectangle { anchors.fill: parent; color: "#eef2f7" }
    Header { id: header; anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right }
    Column {
        anchors.centerIn: parent
        spacing: 48
        Item {
            anchors.horizontalCenter: parent.horizontalCenter
            width: 160; height: 160
            Rectangle {
                anchors.fill: parent; radius: 80
                color: "transparent"; border.width: 16; border.color: "#c5cfdb" // decoration: the dot moves
            }
            Rectangle {
                width: 32; height: 32; radius: 16; color: root.primary
                x: 64 + 64 * Math.cos(spin.angle); y: 64 + 64 * Math.sin(spin.angle)
            }
            QtObject { id: spin; property real angle: 0 }
            NumberAnimation { target: spin; property: "angle"; from: 0; to: 2 * Math.PI; duration: 1200; loops: Animation.Infinite; running: true }
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("Printing your ticket…")
            color: root.ink
            font.pixelSize: 64 * root.s
            font.bold: true
        }
    }
}
