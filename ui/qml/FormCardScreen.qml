import QtQuick

// Form journey, step 2: the citizen places the ID card; the core polls the reader.
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
        text: formCard.title
        color: root.muted; font.pixelSize: 40 * root.s
    }
    Rectangle {
        id: cardShape
        anchors.centerIn: parent
        width: 560; height: 352; radius: 28
        color: "white"; border.color: root.primary; border.width: 6
        SequentialAnimation on opacity {
            loops: Animation.Infinite
            NumberAnimation { from: 1.0; to: 0.5; duration: 900 }
            NumberAnimation { from: 0.5; to: 1.0; duration: 900 }
        }
        Text { anchors.centerIn: parent; text: "ID"; color: root.primary; font.pixelSize: 120; font.bold: true }
    }
    Text {
        objectName: "placeCardText"
        anchors.top: cardShape.bottom; anchors.topMargin: 48
        anchors.horizontalCenter: parent.horizontalCenter
        text: qsTr("Place your ID card on the reader")
        color: root.ink; font.pixelSize: 60 * root.s; font.bold: true
    }
    Text {
        anchors.top: cardShape.bottom; anchors.topMargin: 140
        anchors.horizontalCenter: parent.horizontalCenter
        text: qsTr("Your details are filled in from the card")
        color: root.muted; font.pixelSize: 34 * root.s
    }
}
