import QtQuick

// Form journey: the A4 page is being rendered and printed.
Item {
    objectName: "formPrintingScreen"
    Header { id: header; anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right }
    Text {
        anchors.centerIn: parent
        text: qsTr("Printing your form…")
        color: root.ink; font.pixelSize: 64 * root.s; font.bold: true
    }
}
