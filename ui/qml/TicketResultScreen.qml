import QtQuick

// The issued number, large, with its QR code. When the printer failed the number
// is still valid: the citizen is asked to photograph the screen.
Item {
    objectName: "ticketResultScreen"
    Header { id: header; anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right }

    Rectangle {
        id: card
        anchors.top: header.bottom
        anchors.topMargin: 40
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(parent.width - 160, 1600)
        height: parent.height - header.height - 220
        radius: 32
        color: "white"
        border.color: ticketResult.printed ? "#c5cfdb" : root.accent
        border.width: ticketResult.printed ? 3 : 6

        Column {
            anchors.left: parent.left
            anchors.leftMargin: 80
            anchors.right: qr.left
            anchors.rightMargin: 40
            anchors.verticalCenter: parent.verticalCenter
            spacing: 20
            Text {
                objectName: "resultHeadline"
                width: parent.width
                wrapMode: Text.WordWrap
                text: ticketResult.printed ? qsTr("Please take your ticket") : qsTr("The printer is not working, but your number is valid")
                color: ticketResult.printed ? root.ink : root.accent
                font.pixelSize: 46 * root.s
                font.bold: true
            }
            Text {
                objectName: "ticketNumber"
                text: ticketResult.number
                color: root.primary
                font.pixelSize: 220 * Math.min(root.s, 1.1)
                font.bold: true
            }
            Text { width: parent.width; wrapMode: Text.WordWrap; text: ticketResult.service; color: root.ink; font.pixelSize: 48 * root.s }
            Text {
                objectName: "peopleAhead"
                width: parent.width; wrapMode: Text.WordWrap
                text: qsTr("%n people ahead of you", "", ticketResult.peopleAhead)
                color: root.muted; font.pixelSize: 40 * root.s
            }
            Text { width: parent.width; text: qsTr("Issued at %1").arg(ticketResult.issuedAt); color: root.muted; font.pixelSize: 32 * root.s }
        }
        Column {
            id: qr
            anchors.right: parent.right
            anchors.rightMargin: 80
            anchors.verticalCenter: parent.verticalCenter
            spacing: 16
            Image {
                objectName: "ticketQr"
                width: 420; height: 420
                source: ticketResult.qrSource
                smooth: false
            }
            Text {
                width: 420
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                text: ticketResult.printed ? qsTr("Scan to follow the queue on your phone") : qsTr("Please photograph this screen, or scan the code")
                color: ticketResult.printed ? root.muted : root.accent
                font.pixelSize: 30 * root.s
                font.bold: !ticketResult.printed
            }
        }
    }
    KButton {
        objectName: "doneButton"
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 40
        anchors.horizontalCenter: parent.horizontalCenter
        width: 720
        fill: root.primary
        text: qsTr("Done (%1)").arg(Math.max(0, ticketResult.secondsLeft))
        onTapped: ticketResult.done()
    }
}
