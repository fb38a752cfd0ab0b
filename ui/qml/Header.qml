import QtQuick

// The band at the top of every screen after the start: hall name, back, finish.
Rectangle {
    id: header
    property bool showBack: false
    // When set, Exit first asks (exitAsked) and the screen says what would be lost.
    property string exitWarning: ""
    signal back()
    signal exitAsked()
    height: 128
    color: root.primary

    KButton {
        objectName: "backButton"
        visible: header.showBack
        anchors.left: parent.left
        anchors.leftMargin: 24
        anchors.verticalCenter: parent.verticalCenter
        implicitHeight: 96
        fill: "#ffffff"
        textColor: root.primary
        fontSize: 34
        text: qsTr("‹ Back")
        onTapped: header.back()
    }
    Text {
        anchors.centerIn: parent
        text: shell.hallName
        color: "white"
        font.pixelSize: 44 * root.s
        font.bold: true
    }
    KButton {
        objectName: "exitButton"
        anchors.right: parent.right
        anchors.rightMargin: 24
        anchors.verticalCenter: parent.verticalCenter
        implicitHeight: 96
        fill: root.accent
        fontSize: 34
        text: qsTr("Exit")
        onTapped: header.exitWarning !== "" ? header.exitAsked() : shell.cancel()
    }
}
