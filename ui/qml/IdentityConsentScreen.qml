import QtQuick

// Identity check, step 1: what is collected, why, how long, and the other way (a counter
// check without face recognition). Nothing is collected before "I agree".
Item {
    objectName: "identityConsentScreen"
    Header {
        id: header
        anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right
        showBack: true
        onBack: identityConsent.back()
    }
    Column {
        anchors.top: header.bottom; anchors.topMargin: 40
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(parent.width - 160, 1500)
        spacing: 28
        Text {
            text: qsTr("Before we check your identity")
            color: root.ink; font.pixelSize: 56 * root.s; font.bold: true
        }
        Rectangle {
            width: parent.width
            height: consentText.implicitHeight + 64
            radius: 24; color: "white"; border.color: "#c5cfdb"; border.width: 3
            Text {
                id: consentText
                objectName: "consentText"
                anchors.fill: parent; anchors.margins: 32
                wrapMode: Text.WordWrap
                text: identityConsent.text
                color: root.ink; font.pixelSize: 36 * root.s
                lineHeight: 1.25
            }
        }
    }
    Row {
        anchors.bottom: parent.bottom; anchors.bottomMargin: 48
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: 48
        KButton {
            objectName: "consentDecline"
            width: 640
            fill: "#ffffff"; textColor: root.primary
            text: qsTr("No, check me at a counter")
            onTapped: identityConsent.decline()
        }
        KButton {
            objectName: "consentAgree"
            width: 640
            fill: root.primary
            text: qsTr("I agree")
            onTapped: identityConsent.agree()
        }
    }
}
