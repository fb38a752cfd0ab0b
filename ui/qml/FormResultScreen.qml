import QtQuick

// Form journey, last step: the receipt number and its QR. When the printer failed the
// form has still been recorded and queued; the citizen photographs the receipt.
Item {
    objectName: "formResultScreen"
    Header { id: header; anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right }
    Rectangle {
        anchors.top: header.bottom; anchors.topMargin: 40
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(parent.width - 160, 1600)
        height: parent.height - header.height - 220
        radius: 32; color: "white"
        border.color: formResult.printed ? root.edge : root.accent
        border.width: formResult.printed ? 3 : 6
        Column {
            anchors.left: parent.left; anchors.leftMargin: 80
            anchors.right: qr.left; anchors.rightMargin: 40
            anchors.verticalCenter: parent.verticalCenter
            spacing: 24
            Text {
                objectName: "formHeadline"
                width: parent.width; wrapMode: Text.WordWrap
                text: formResult.printed ? qsTr("Please take your form and sign it at the counter") : qsTr("The printer is not working, but your form was submitted")
                color: formResult.printed ? root.ink : root.accent
                font.pixelSize: 46 * root.s; font.bold: true
            }
            Text { text: qsTr("Receipt number"); color: root.muted; font.pixelSize: 34 * root.s }
            Text { objectName: "formReceipt"; text: formResult.receipt; color: root.primary; font.pixelSize: 84 * Math.min(root.s, 1.1); font.bold: true }
            Text { objectName: "formMessage"; visible: text !== "" && !formResult.printed; width: parent.width; wrapMode: Text.WordWrap; text: formResult.message; color: root.accent; font.pixelSize: 34 * root.s }
            // Item 7 (issue 15): the number is also said aloud; staff write it down.
            Text {
                objectName: "formNotPrintedHelp"
                visible: !formResult.printed
                width: parent.width; wrapMode: Text.Wrap
                text: qsTr("Please note your receipt number. Tap Call staff below and a member of staff will write it down for you.")
                color: root.ink; font.pixelSize: 36 * root.s; font.bold: true
            }
        }
        Column {
            id: qr
            anchors.right: parent.right; anchors.rightMargin: 80
            anchors.verticalCenter: parent.verticalCenter
            spacing: 16
            Image { objectName: "formQr"; width: 420; height: 420; source: formResult.qrSource; smooth: false }
            Text {
                width: 420; horizontalAlignment: Text.AlignHCenter; wrapMode: Text.WordWrap
                text: qsTr("Show this code at the counter")
                color: root.muted
                font.pixelSize: 30 * root.s
            }
        }
    }
    Row {
        anchors.bottom: parent.bottom; anchors.bottomMargin: 40
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: 48
        CallStaffButton { objectName: "formCallStaff"; visible: !formResult.printed; implicitHeight: 112; width: 560; fontSize: 40 }
        KButton {
            objectName: "formDoneButton"
            width: 720
            fill: root.primary
            text: qsTr("Done (%1)").arg(Math.max(0, formResult.secondsLeft))
            onTapped: formResult.done()
        }
    }
}
