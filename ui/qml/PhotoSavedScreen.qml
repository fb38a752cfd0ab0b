import QtQuick

// The photo was kept: it travels to the centre under this receipt number, which the
// citizen quotes at the counter (or shows as the QR code).
Item {
    objectName: "photoSavedScreen"
    Header { id: header; anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right }

    Rectangle {
        anchors.top: header.bottom
        anchors.topMargin: 40
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(parent.width - 160, 1600)
        height: parent.height - header.height - 220
        radius: 32
        color: "white"
        border.color: photoSaved.saved && photoSaved.printed !== "not_printed" ? "#c5cfdb" : root.accent
        border.width: photoSaved.saved && photoSaved.printed !== "not_printed" ? 3 : 6

        Column {
            anchors.left: parent.left
            anchors.leftMargin: 80
            anchors.right: qr.left
            anchors.rightMargin: 40
            anchors.verticalCenter: parent.verticalCenter
            spacing: 28
            Text {
                objectName: "savedHeadline"
                width: parent.width
                wrapMode: Text.WordWrap
                text: !photoSaved.saved ? qsTr("Your photo could not be saved. Please ask staff.")
                    : photoSaved.printed === "not_printed" ? qsTr("Your photo is saved, but the receipt did not print")
                    : qsTr("Your photo is saved")
                color: photoSaved.saved && photoSaved.printed !== "not_printed" ? "#1f8a52" : root.accent
                font.pixelSize: 56 * root.s
                font.bold: true
            }
            Text {
                visible: photoSaved.saved
                width: parent.width
                wrapMode: Text.WordWrap
                objectName: "savedInstruction"
                text: photoSaved.printed === "printed" ? qsTr("Please take your printed receipt. Show it at the counter: your photo goes with your application.")
                    : photoSaved.printed === "not_printed" ? qsTr("Please write down this receipt number, or ask staff to write it down for you. Give it at the counter: your photo goes with your application.")
                    : qsTr("At the counter, give this receipt number. Your photo goes with your application.")
                color: root.ink
                font.pixelSize: 36 * root.s
            }
            Text {
                objectName: "photoReceipt"
                width: parent.width
                wrapMode: Text.WrapAnywhere
                text: photoSaved.receipt
                color: root.primary
                font.pixelSize: 84 * Math.min(root.s, 1.1)
                font.bold: true
            }
        }
        Image {
            id: qr
            objectName: "photoReceiptQr"
            visible: photoSaved.saved
            anchors.right: parent.right
            anchors.rightMargin: 80
            anchors.verticalCenter: parent.verticalCenter
            width: 400; height: 400
            source: photoSaved.qrSource
            smooth: false
        }
    }
    KButton {
        objectName: "photoSavedDone"
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 40
        anchors.horizontalCenter: parent.horizontalCenter
        width: 720
        fill: root.primary
        text: qsTr("Done (%1)").arg(Math.max(0, photoSaved.secondsLeft))
        onTapped: photoSaved.done()
    }
}
