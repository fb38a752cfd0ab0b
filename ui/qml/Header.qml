import QtQuick

// The band at the top of every screen after the start: back, hear again, hall name,
// volume, call staff, exit. The same places on every screen, so a finger learns them.
Rectangle {
    id: header
    property bool showBack: false
    // When set, Exit first asks (exitAsked) and the screen says what would be lost.
    property string exitWarning: ""
    signal back()
    signal exitAsked()
    height: 128
    color: root.primary

    Row {
        id: left
        anchors.left: parent.left
        anchors.leftMargin: 24
        anchors.verticalCenter: parent.verticalCenter
        spacing: 16
        KButton {
            objectName: "backButton"
            visible: header.showBack
            implicitHeight: 96
            minWidth: 200
            fill: "#ffffff"
            textColor: root.primary
            fontSize: 34
            text: qsTr("‹ Back")
            onTapped: header.back()
        }
        KButton {
            objectName: "hearAgainButton"
            visible: shell.voiceOn
            implicitHeight: 96
            minWidth: 200
            fill: "#ffffff"
            textColor: root.primary
            fontSize: 34
            text: qsTr("Hear again")
            onTapped: shell.hearAgain()
        }
    }
    Text {
        anchors.left: left.right
        anchors.leftMargin: 24
        anchors.right: right.left
        anchors.rightMargin: 24
        anchors.verticalCenter: parent.verticalCenter
        horizontalAlignment: Text.AlignHCenter
        text: shell.hallName
        color: "white"
        font.pixelSize: 44 * root.s
        font.bold: true
        fontSizeMode: Text.HorizontalFit
        minimumPixelSize: 30
        elide: Text.ElideRight
    }
    Row {
        id: right
        anchors.right: parent.right
        anchors.rightMargin: 24
        anchors.verticalCenter: parent.verticalCenter
        spacing: 16
        KButton {
            objectName: "volumeButton"
            visible: shell.voiceOn
            implicitHeight: 96
            minWidth: 200
            fill: "#ffffff"
            textColor: root.primary
            fontSize: 34
            text: shell.volume === "low" ? qsTr("Volume: low")
                : (shell.volume === "high" ? qsTr("Volume: high") : qsTr("Volume: medium"))
            onTapped: shell.louder()
        }
        CallStaffButton {}
        KButton {
            objectName: "exitButton"
            implicitHeight: 96
            minWidth: 200
            fill: root.accent
            edge: "white"
            fontSize: 34
            text: qsTr("Exit")
            onTapped: header.exitWarning !== "" ? header.exitAsked() : shell.cancel()
        }
    }
}
