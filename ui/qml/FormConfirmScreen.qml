import QtQuick

// Form journey, step 3: what the card says, read-only, for the citizen to check.
Item {
    id: screen
    objectName: "formConfirmScreen"
    Header {
        id: header
        anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right
        showBack: true
        exitWarning: formConfirm.exitWarning
        onBack: formConfirm.back()
        onExitAsked: exitConfirm.open = true
    }
    Flickable {
        id: flick
        objectName: "confirmRows"
        anchors.top: header.bottom; anchors.topMargin: 32
        anchors.left: parent.left; anchors.right: parent.right
        anchors.bottom: confirmButton.visible ? confirmButton.top : parent.bottom
        anchors.bottomMargin: 24
        contentHeight: rowsColumn.implicitHeight + 24
        clip: true
        Column {
            id: rowsColumn
            x: (flick.width - width) / 2
            width: 1400
            spacing: 14
            Text { width: parent.width; wrapMode: Text.WordWrap; text: formConfirm.title; color: root.muted; font.pixelSize: 36 * root.s }
            Text { width: parent.width; wrapMode: Text.WordWrap; text: qsTr("Please check the details from your ID card"); color: root.ink; font.pixelSize: 52 * root.s; font.bold: true }
            Text { width: parent.width; wrapMode: Text.WordWrap; text: qsTr("These come from the card and cannot be changed here"); color: root.muted; font.pixelSize: 30 * root.s }
            Repeater {
                model: formConfirm.rows
                delegate: Rectangle {
                    id: row
                    objectName: "cardRow_" + modelData.name
                    // The label has its own column and wraps there: a long English label
                    // ("Registered (hukou) address") never runs into the value.
                    readonly property real labelWidth: 440 * Math.min(root.s, 1.15)
                    width: parent.width
                    height: Math.max(84, value.implicitHeight + 32, label.implicitHeight + 32)
                    radius: 14; color: "#f4f6f0"; border.color: root.edge; border.width: 2
                    Text {
                        id: label
                        objectName: "cardLabel_" + modelData.name
                        anchors.left: parent.left; anchors.leftMargin: 28
                        anchors.verticalCenter: parent.verticalCenter
                        width: row.labelWidth - 40
                        wrapMode: Text.WordWrap
                        text: modelData.label; color: root.muted; font.pixelSize: 34 * root.s
                    }
                    Text {
                        id: value
                        objectName: "cardValue_" + modelData.name
                        anchors.left: parent.left; anchors.leftMargin: row.labelWidth
                        anchors.right: parent.right; anchors.rightMargin: 28
                        anchors.verticalCenter: parent.verticalCenter
                        wrapMode: Text.WrapAnywhere
                        textFormat: Text.PlainText
                        text: modelData.value; color: root.ink; font.pixelSize: 40 * root.s; font.bold: true
                    }
                }
            }
            Text {
                objectName: "cardProblem"
                visible: formConfirm.problem !== ""
                width: parent.width; wrapMode: Text.WordWrap
                textFormat: Text.PlainText
                text: formConfirm.problem; color: root.accent; font.pixelSize: 36 * root.s; font.bold: true
            }
        }
    }
    FormScrollCue {
        flick: flick
        anchors.left: flick.left; anchors.right: flick.right; anchors.bottom: flick.bottom
    }
    KButton {
        id: confirmButton
        objectName: "confirmButton"
        visible: formConfirm.problem === ""
        anchors.bottom: parent.bottom; anchors.bottomMargin: 40
        anchors.horizontalCenter: parent.horizontalCenter
        width: 720
        fill: root.primary
        text: qsTr("These are correct")
        onTapped: formConfirm.confirm()
    }
    FormExitConfirm { id: exitConfirm; message: formConfirm.exitWarning }
}
