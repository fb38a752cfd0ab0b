import QtQuick

// Form journey, last step. Printed: the receipt and its QR. Not printed: the form is
// queued all the same (the receipt holds); the citizen notes the number or asks staff.
// Not submitted: nothing was queued or printed, and the screen says so plainly.
Item {
    id: screen
    objectName: "formResultScreen"
    readonly property bool failed: formResult.kind !== "printed"
    readonly property bool hasReceipt: formResult.kind !== "not_submitted"
    Header { id: header; anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right }
    Rectangle {
        anchors.top: header.bottom; anchors.topMargin: 40
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(parent.width - 160, 1600)
        height: parent.height - header.height - 220
        radius: 32; color: "white"
        border.color: screen.failed ? root.accent : root.edge
        border.width: screen.failed ? 6 : 3
        Column {
            anchors.left: parent.left; anchors.leftMargin: 80
            anchors.right: qr.visible ? qr.left : parent.right; anchors.rightMargin: 40
            anchors.verticalCenter: parent.verticalCenter
            spacing: 24
            Text {
                objectName: "formHeadline"
                width: parent.width; wrapMode: Text.WordWrap
                text: formResult.kind === "printed" ? qsTr("Please take your form and sign it at the counter")
                    : formResult.kind === "not_printed" ? qsTr("The printer is not working, but your form was submitted")
                    : qsTr("Your form could not be saved: nothing was sent and nothing was printed")
                color: screen.failed ? root.accent : root.ink
                font.pixelSize: 46 * root.s; font.bold: true
            }
            Text {
                visible: formResult.kind === "not_submitted"
                width: parent.width; wrapMode: Text.WordWrap
                text: qsTr("Please ask staff for help, or fill in a paper form at the counter.")
                color: root.ink; font.pixelSize: 38 * root.s
            }
            Text { visible: screen.hasReceipt; text: qsTr("Receipt number"); color: root.muted; font.pixelSize: 34 * root.s }
            Text { objectName: "formReceipt"; visible: screen.hasReceipt; text: formResult.receipt; color: root.primary; font.pixelSize: 84 * Math.min(root.s, 1.1); font.bold: true }
            Text { objectName: "formMessage"; visible: text !== "" && formResult.kind === "not_printed"; width: parent.width; wrapMode: Text.WordWrap; text: formResult.message; color: root.accent; font.pixelSize: 34 * root.s }
            // Item 7 (issue 15): the number is also said aloud; staff write it down.
            Text {
                objectName: "formNotPrintedHelp"
                visible: formResult.kind === "not_printed"
                width: parent.width; wrapMode: Text.Wrap
                text: qsTr("Please note your receipt number. Tap Call staff below and a member of staff will write it down for you.")
                color: root.ink; font.pixelSize: 36 * root.s; font.bold: true
            }
            Text {
                objectName: "takeCardText"
                visible: formResult.takeCard
                width: parent.width; wrapMode: Text.WordWrap
                text: qsTr("Please take your ID card from the reader")
                color: root.accent; font.pixelSize: 40 * root.s; font.bold: true
            }
        }
        Column {
            id: qr
            visible: screen.hasReceipt
            anchors.right: parent.right; anchors.rightMargin: 80
            anchors.verticalCenter: parent.verticalCenter
            spacing: 16
            Image { objectName: "formQr"; width: 420; height: 420; source: formResult.qrSource; smooth: false }
            Text {
                width: 420; horizontalAlignment: Text.AlignHCenter; wrapMode: Text.WordWrap
                text: formResult.printed ? qsTr("Show this code at the counter") : qsTr("Please photograph this screen, or scan the code")
                color: formResult.printed ? root.muted : root.accent
                font.pixelSize: 30 * root.s; font.bold: !formResult.printed
            }
        }
    }
    Row {
        anchors.bottom: parent.bottom; anchors.bottomMargin: 40
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: 48
        CallStaffButton { objectName: "formCallStaff"; visible: screen.failed; implicitHeight: 112; width: 560; fontSize: 40 }
        KButton {
            objectName: "formDoneButton"
            width: 720
            fill: root.primary
            text: qsTr("Done (%1)").arg(Math.max(0, formResult.secondsLeft))
            onTapped: formResult.done()
        }
    }
}
