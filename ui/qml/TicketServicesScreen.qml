import QtQuick

// Step 1 of the ticket: which counter does the citizen need?
Item {
    objectName: "ticketServicesScreen"
    Header {
        id: header
        anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right
        showBack: true
        onBack: ticketServices.back()
    }
    Text {
        id: title
        anchors.top: header.bottom
        anchors.topMargin: 48
        anchors.horizontalCenter: parent.horizontalCenter
        text: qsTr("Choose a service")
        color: root.ink
        font.pixelSize: 60 * root.s
        font.bold: true
    }
    Grid {
        anchors.top: title.bottom
        anchors.topMargin: 48
        anchors.horizontalCenter: parent.horizontalCenter
        columns: 2
        spacing: 36
        Repeater {
            model: ticketServices.services
            delegate: Rectangle {
                objectName: "service_" + modelData.code
                Accessible.role: Accessible.Button
                Accessible.name: root.plain(modelData.name)
                Accessible.onPressAction: ticketServices.choose(modelData.code)
                width: 800
                height: 220 * Math.min(root.s, 1.2)
                radius: 24
                color: tap.pressed ? "#dbe6f3" : "white"
                border.color: root.edge
                border.width: 3
                Rectangle {
                    id: prefix
                    anchors.left: parent.left; anchors.leftMargin: 32
                    anchors.verticalCenter: parent.verticalCenter
                    width: 120; height: 120; radius: 20
                    color: root.accent
                    Text { anchors.centerIn: parent; text: modelData.prefix; color: "white"; font.pixelSize: 72; font.bold: true }
                }
                Column {
                    anchors.left: prefix.right; anchors.leftMargin: 36
                    anchors.right: parent.right; anchors.rightMargin: 24
                    anchors.verticalCenter: parent.verticalCenter
                    spacing: 8
                    Text { width: parent.width; wrapMode: Text.Wrap; text: modelData.name; color: root.ink; font.pixelSize: 52 * root.s; font.bold: true }
                    // One language per screen: the other language's name is not shown.
                }
                MouseArea { id: tap; anchors.fill: parent; onClicked: ticketServices.choose(modelData.code) }
            }
        }
    }
}
