import QtQuick

// The terminal cannot keep a form now (its queue for the centre is full or broken):
// said before the citizen fills anything in.
Item {
    objectName: "formUnavailableScreen"
    Header {
        id: header
        anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right
        showBack: true
        onBack: formUnavailable.back()
    }
    Column {
        anchors.centerIn: parent
        width: Math.min(parent.width - 240, 1400)
        spacing: 40
        Text {
            objectName: "unavailableHeadline"
            width: parent.width; wrapMode: Text.WordWrap; horizontalAlignment: Text.AlignHCenter
            text: qsTr("Forms cannot be filled in at this terminal right now")
            color: root.accent; font.pixelSize: 56 * root.s; font.bold: true
        }
        Text {
            width: parent.width; wrapMode: Text.WordWrap; horizontalAlignment: Text.AlignHCenter
            text: qsTr("It cannot keep your form safely at the moment. Please ask staff, or use a counter.")
            color: root.ink; font.pixelSize: 40 * root.s
        }
        KButton {
            objectName: "unavailableBackButton"
            anchors.horizontalCenter: parent.horizontalCenter
            width: 720; fill: root.primary
            text: qsTr("Back to the menu")
            onTapped: formUnavailable.back()
        }
    }
}
