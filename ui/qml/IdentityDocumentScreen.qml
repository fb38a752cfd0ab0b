import QtQuick

// Identity check, step 2: the ID card on the reader, or a passport / permit (its chip is
// read once the citizen has typed the details from its data page).
Item {
    id: screen
    objectName: "identityDocumentScreen"
    // A card is read only when placed during this journey (issue 13 item 5).
    readonly property bool warn: identityDocument.step === "lift_first" || identityDocument.step === "place_again"
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
        color: "white"; border.width: 6
        border.color: screen.warn ? root.accent : root.primary
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
        text: identityDocument.step === "lift_first" ? qsTr("A card is lying on the reader: please take it away, then place your own document")
            : identityDocument.step === "place_again" ? qsTr("The document could not be read: please lift it and place it again")
            : identityDocument.step === "reading" ? qsTr("Reading your document, please keep it on the reader")
            : identityDocument.passportMode ? qsTr("Place your passport or permit, photo page down, on the reader") : qsTr("Place your ID card on the reader")
        color: screen.warn ? root.accent : root.ink; font.pixelSize: 60 * root.s; font.bold: true
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
