import QtQuick

// Form journey, step 5: the whole form once more before it prints.
Item {
    objectName: "formReviewScreen"
    Header {
        id: header
        anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right
        showBack: true
        exitWarning: formReview.exitWarning
        onBack: formReview.back()
        onExitAsked: exitConfirm.open = true
    }
    Flickable {
        id: flick
        objectName: "reviewRows"
        anchors.top: header.bottom; anchors.topMargin: 24
        anchors.left: parent.left; anchors.right: parent.right
        anchors.bottom: printButton.top; anchors.bottomMargin: 24
        contentHeight: rows.implicitHeight + 24
        clip: true
        Column {
            id: rows
            x: (flick.width - width) / 2
            width: 1400
            spacing: 10
            Text { width: parent.width; wrapMode: Text.WordWrap; text: formReview.title; color: root.ink; font.pixelSize: 50 * root.s; font.bold: true }
            Text { width: parent.width; wrapMode: Text.WordWrap; text: qsTr("Please check the form before it is printed"); color: root.muted; font.pixelSize: 32 * root.s }
            Repeater {
                model: formReview.rows
                delegate: Rectangle {
                    width: rows.width; height: Math.max(64, v.implicitHeight + 20, l.implicitHeight + 20)
                    color: modelData.fromCard ? "#f4f6f0" : "white"
                    border.color: root.edge; border.width: 1
                    Text { id: l; anchors.left: parent.left; anchors.leftMargin: 20; anchors.verticalCenter: parent.verticalCenter; width: 420; wrapMode: Text.WordWrap; text: modelData.label; color: root.muted; font.pixelSize: 30 * root.s }
                    // What the citizen typed is shown as plain text, never as markup.
                    Text { id: v; objectName: "reviewValue"; anchors.left: parent.left; anchors.leftMargin: 460; anchors.right: parent.right; anchors.rightMargin: 20; anchors.verticalCenter: parent.verticalCenter; wrapMode: Text.WrapAnywhere; textFormat: Text.PlainText; text: modelData.value; color: root.ink; font.pixelSize: 34 * root.s }
                }
            }
        }
    }
    FormScrollCue {
        flick: flick
        anchors.left: flick.left; anchors.right: flick.right; anchors.bottom: flick.bottom
    }
    KButton {
        id: printButton
        objectName: "printButton"
        anchors.bottom: parent.bottom; anchors.bottomMargin: 40
        anchors.horizontalCenter: parent.horizontalCenter
        width: 720
        fill: root.primary
        text: qsTr("Print the form")
        onTapped: formReview.print()
    }
    FormExitConfirm { id: exitConfirm; message: formReview.exitWarning }
}
