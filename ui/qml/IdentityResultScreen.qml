import QtQuick

// The result: verified, not verified (with the counter route) or sent for review; the
// receipt number and its QR code for the counter or the citizen's phone.
Item {
    objectName: "identityResultScreen"
    Header { id: header; anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right }
    Rectangle {
        anchors.top: header.bottom; anchors.topMargin: 40
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(parent.width - 160, 1600)
        height: parent.height - header.height - 220
        radius: 32; color: "white"
        border.color: identityResult.outcome === "verified" ? "#2fbf71" : (identityResult.outcome === "review" ? "#c5cfdb" : root.accent)
        border.width: 6
        Column {
            anchors.left: parent.left; anchors.leftMargin: 80
            anchors.right: qr.left; anchors.rightMargin: 40
            anchors.verticalCenter: parent.verticalCenter
            spacing: 24
            Text {
                objectName: "identityHeadline"
                width: parent.width; wrapMode: Text.WordWrap
                text: identityResult.headline
                color: identityResult.outcome === "verified" ? "#1f8a52" : (identityResult.outcome === "review" ? root.primary : root.accent)
                font.pixelSize: 64 * root.s; font.bold: true
            }
            Text {
                objectName: "identityDetail"
                width: parent.width; wrapMode: Text.WordWrap
                visible: text !== ""
                text: identityResult.detail
                color: root.ink; font.pixelSize: 36 * root.s
            }
            Text {
                objectName: "identityScore"
                visible: text !== ""
                text: identityResult.score
                color: root.muted; font.pixelSize: 30 * root.s
            }
            Text {
                visible: identityResult.receipt !== ""
                text: qsTr("Receipt number")
                color: root.muted; font.pixelSize: 32 * root.s
            }
            Text {
                objectName: "identityReceipt"
                width: parent.width; wrapMode: Text.WrapAnywhere
                text: identityResult.receipt
                color: root.primary; font.pixelSize: 80 * Math.min(root.s, 1.1); font.bold: true
            }
        }
        Image {
            id: qr
            objectName: "identityReceiptQr"
            visible: identityResult.receipt !== ""
            anchors.right: parent.right; anchors.rightMargin: 80
            anchors.verticalCenter: parent.verticalCenter
            width: 380; height: 380
            source: identityResult.qrSource
            smooth: false
        }
    }
    KButton {
        objectName: "identityDone"
        anchors.bottom: parent.bottom; anchors.bottomMargin: 40
        anchors.horizontalCenter: parent.horizontalCenter
        width: 720
        fill: root.primary
        text: qsTr("Done (%1)").arg(Math.max(0, identityResult.secondsLeft))
        onTapped: identityResult.done()
    }
}
