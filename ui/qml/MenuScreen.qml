import QtQuick

// What the citizen can do at this terminal. Only journeys that exist are listed.
Item {
    objectName: "menuScreen"
    Header { id: header; anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right }

    Text {
        id: title
        anchors.top: header.bottom
        anchors.topMargin: 56
        anchors.horizontalCenter: parent.horizontalCenter
        text: qsTr("What would you like to do?")
        color: root.ink
        font.pixelSize: 60 * root.s
        font.bold: true
    }

    // A journey whose device is down is left out; say so plainly instead of hiding it.
    Text {
        objectName: "menuUnavailable"
        visible: menu.unavailable !== ""
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 48
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(parent.width - 160, 1600)
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
        text: qsTr("Not available right now: %1. Please ask at a service counter.").arg(menu.unavailable)
        color: root.muted
        font.pixelSize: 36 * root.s
    }

    Flow {
        anchors.top: title.bottom
        anchors.topMargin: 56
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(parent.width - 160, 1600)
        spacing: 40
        Repeater {
            model: menu.entries
            delegate: Rectangle {
                objectName: "journey_" + modelData.id
                width: 760
                height: 300 * Math.min(root.s, 1.2)
                radius: 28
                color: tap.pressed ? "#dbe6f3" : "white"
                border.color: "#c5cfdb"
                border.width: 3
                Rectangle {
                    id: badge
                    anchors.left: parent.left
                    anchors.leftMargin: 40
                    anchors.verticalCenter: parent.verticalCenter
                    width: 160; height: 160; radius: 80
                    color: root.primary
                    Text { anchors.centerIn: parent; text: modelData.icon; color: "white"; font.pixelSize: 84; font.bold: true }
                }
                Column {
                    anchors.left: badge.right
                    anchors.leftMargin: 40
                    anchors.right: parent.right
                    anchors.rightMargin: 32
                    anchors.verticalCenter: parent.verticalCenter
                    spacing: 14
                    Text { width: parent.width; wrapMode: Text.WordWrap; text: modelData.title; color: root.ink; font.pixelSize: 54 * root.s; font.bold: true }
                    Text { width: parent.width; wrapMode: Text.WordWrap; text: modelData.subtitle; color: root.muted; font.pixelSize: 32 * root.s }
                }
                MouseArea { id: tap; anchors.fill: parent; onClicked: menu.open(modelData.id) }
            }
        }
    }
}
