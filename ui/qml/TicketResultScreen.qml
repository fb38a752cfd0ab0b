import QtQuick

// The issued number, large. The QR code to follow the queue shows only when the hall has
// a follow link. When the printer failed the number is still valid: it is said aloud
// (again on "Hear again"), and staff are one tap away to write it down.
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
        border.color: ticketResult.printed ? root.edge : root.accent
        border.width: ticketResult.printed ? 3 : 6

        Column {
            anchors.left: parent.left
            anchors.leftMargin: 80
            anchors.right: qr.visible ? qr.left : parent.right
            anchors.rightMargin: 40
            anchors.verticalCenter: parent.verticalCenter
            spacing: ticketResult.printed ? 20 : 12
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
                font.pixelSize: (ticketResult.printed ? 220 : 150) * Math.min(root.s, 1.1)
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
            Text {
                objectName: "notPrintedHelp"
                visible: !ticketResult.printed
                width: parent.width
                wrapMode: Text.Wrap
                text: qsTr("Please note your number. Tap Call staff below and a member of staff will write it down for you.")
                color: root.ink
                font.pixelSize: 36 * root.s
                font.bold: true
            }
        }
        Column {
            id: qr
            // A code worth scanning: a follow link, or (printer down) staff's check code.
            visible: ticketResult.followLink || !ticketResult.printed
            anchors.right: parent.right
            anchors.rightMargin: 80
            anchors.verticalCenter: parent.verticalCenter
            spacing: 16
            Image {
                id: ticketQr
                objectName: "ticketQr"
                width: ticketResult.printed ? 420 : 300; height: width
                source: ticketResult.qrSource
                smooth: false
            }
            Text {
                width: ticketQr.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                objectName: "qrCaption"
                text: ticketResult.followLink ? qsTr("Scan to follow the queue on your phone") : qsTr("Staff can scan this code to check your number")
                color: root.muted
                font.pixelSize: 30 * root.s
            }
        }
    }
    Row {
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 40
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: 48
        CallStaffButton {
            objectName: "ticketCallStaff"
            visible: !ticketResult.printed
            implicitHeight: 112
            width: 560
            fontSize: 40
        }
        KButton {
            objectName: "doneButton"
            width: 720
            fill: root.primary
            text: qsTr("Done (%1)").arg(Math.max(0, ticketResult.secondsLeft))
            onTapped: ticketResult.done()
        }
    }
}
