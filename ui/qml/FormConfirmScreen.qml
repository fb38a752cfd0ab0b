import QtQuick

// Form journey, step 3: what the card says, read-only, for the citizen to check.
Item {
    objectName: "formConfirmScreen"
    Header {
        id: header
        anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right
        showBack: true
        onBack: formConfirm.back()
    }
    Flickable {
        anchors.top: header.bottom; anchors.topMargin: 32
        anchors.left: parent.left; anchors.right: parent.right
        anchors.bottom: confirmButton.top; anchors.bottomMargin: 24
        contentHeight: rowsColumn.implicitHeight
        clip: true
    Column {
        id: rowsColumn
        x: (parent.width - width) / 2
        width: 1400
        spacing: 14
        Text { width: parent.width; wrapMode: Text.WordWrap; text: formConfirm.title; color: root.muted; font.pixelSize: 36 * root.s }
        Text { text: qsTr("Please check the details from your ID card"); color: root.ink; font.pixelSize: 52 * root.s; font.bold: true }
        Text { text: qsTr("These come from the card and cannot be changed here"); color: root.muted; font.pixelSize: 30 * root.s }
        Repeater {
            model: formConfirm.rows
            delegate: Rectangle {
                objectName: "cardRow_" + modelData.name
                width: parent.width; height: Math.max(84, value.implicitHeight + 32)
                radius: 14; color: "#f4f6f0"; border.color: "#c5cfdb"; border.width: 2
                Text { anchors.left: parent.left; anchors.leftMargin: 28; anchors.verticalCenter: parent.verticalCenter; width: 320; text: modelData.label; color: root.muted; font.pixelSize: 34 * root.s }
                Text {
                    id: value
                    objectName: "cardValue_" + modelData.name
                    anchors.left: parent.left; anchors.leftMargin: 380; anchors.right: parent.right; anchors.rightMargin: 28
                    anchors.verticalCenter: parent.verticalCenter
                    wrapMode: Text.WordWrap
                    text: modelData.value; color: root.ink; font.pixelSize: 40 * root.s; font.bold: true
                }
            }
        }
        Text {
            objectName: "cardProblem"
            visible: formConfirm.problem !== ""
            width: parent.width; wrapMode: Text.WordWrap
            text: formConfirm.problem; color: root.accent; font.pixelSize: 36 * root.s; font.bold: true
        }
    }
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
}
