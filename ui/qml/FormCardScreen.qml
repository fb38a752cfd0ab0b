import QtQuick

// Form journey, step 2: the citizen places the ID card. The core reads a card only when
// it is placed now (a card left from before must be lifted first) and reads it once.
Item {
    objectName: "formCardScreen"
    Header {
        id: header
        anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right
        showBack: true
        onBack: formCard.back()
    }
    Text {
        id: title
        anchors.top: header.bottom; anchors.topMargin: 48
        anchors.horizontalCenter: parent.horizontalCenter
        width: parent.width - 160; horizontalAlignment: Text.AlignHCenter; wrapMode: Text.WordWrap
        text: formCard.title
        color: root.muted; font.pixelSize: 40 * root.s
    }
    Rectangle {
        id: cardShape
        anchors.centerIn: parent
        width: 560; height: 352; radius: 28
        color: "white"; border.color: formCard.step === "lift_first" || formCard.step === "place_again" ? root.accent : root.primary
        border.width: 6
        SequentialAnimation on opacity {
            loops: Animation.Infinite
            running: formCard.step !== "reading"
            NumberAnimation { from: 1.0; to: 0.5; duration: 900 }
            NumberAnimation { from: 0.5; to: 1.0; duration: 900 }
        }
        Text { anchors.centerIn: parent; text: "ID"; color: cardShape.border.color; font.pixelSize: 120; font.bold: true }
    }
    Text {
        objectName: "placeCardText"
        anchors.top: cardShape.bottom; anchors.topMargin: 48
        anchors.horizontalCenter: parent.horizontalCenter
        width: parent.width - 200; horizontalAlignment: Text.AlignHCenter; wrapMode: Text.WordWrap
        text: formCard.step === "lift_first" ? qsTr("A card is lying on the reader: please take it away, then place your own ID card")
            : formCard.step === "reading" ? qsTr("Reading your card: please do not move it")
            : formCard.step === "place_again" ? qsTr("The card could not be read: please lift it and place it again")
            : qsTr("Place your ID card on the reader")
        color: formCard.step === "lift_first" || formCard.step === "place_again" ? root.accent : root.ink
        font.pixelSize: 56 * root.s; font.bold: true
    }
    Text {
        visible: formCard.step === "place" || formCard.step === "reading"
        anchors.bottom: parent.bottom; anchors.bottomMargin: 60
        anchors.horizontalCenter: parent.horizontalCenter
        text: qsTr("The terminal reads your details from the card")
        color: root.muted; font.pixelSize: 34 * root.s
    }
}
