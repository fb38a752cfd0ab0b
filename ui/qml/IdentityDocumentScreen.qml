import QtQuick

// Identity check, step 2: the ID card on the reader, or a passport / permit (its chip is
// read once the citizen has typed the details from its data page).
Item {
    objectName: "identityDocumentScreen"
    Header {
        id: header
        anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right
        showBack: true
        onBack: identityDocument.back()
    }
    Rectangle {
        id: cardShape
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.top: header.bottom; anchors.topMargin: 96
        width: 560; height: 352; radius: 28
        color: "white"; border.color: root.primary; border.width: 6
        SequentialAnimation on opacity {
            loops: Animation.Infinite
            NumberAnimation { from: 1.0; to: 0.5; duration: 900 }
            NumberAnimation { from: 0.5; to: 1.0; duration: 900 }
        }
        Text { anchors.centerIn: parent; text: identityDocument.passportMode ? "MRZ" : "ID"; color: root.primary; font.pixelSize: 120; font.bold: true }
    }
    Text {
        objectName: "placeDocumentText"
        anchors.top: cardShape.bottom; anchors.topMargin: 48
        anchors.horizontalCenter: parent.horizontalCenter
        width: parent.width - 200
        horizontalAlignment: Text.AlignHCenter; wrapMode: Text.WordWrap
        text: identityDocument.passportMode ? qsTr("Place your passport or permit, photo page down, on the reader") : qsTr("Place your ID card on the reader")
        color: root.ink; font.pixelSize: 60 * root.s; font.bold: true
    }
    Text {
        anchors.top: cardShape.bottom; anchors.topMargin: 150 * root.s
        anchors.horizontalCenter: parent.horizontalCenter
        width: parent.width - 200
        horizontalAlignment: Text.AlignHCenter; wrapMode: Text.WordWrap
        text: qsTr("The photo stored in the document is compared with your face")
        color: root.muted; font.pixelSize: 34 * root.s
    }
    KButton {
        objectName: "usePassport"
        visible: !identityDocument.passportMode
        anchors.bottom: parent.bottom; anchors.bottomMargin: 48
        anchors.horizontalCenter: parent.horizontalCenter
        width: 760
        fill: "#ffffff"; textColor: root.primary
        text: qsTr("I have a passport or permit")
        onTapped: identityDocument.passport()
    }
}
