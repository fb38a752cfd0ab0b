import QtQuick

// What the citizen can do at this terminal. Only journeys that exist are listed, two to a
// row and centred (a last tile alone sits in the middle). The tiles shrink to fit the
// screen in large text; should they still not fit, the list scrolls and says so.
Item {
    id: screen
    objectName: "menuScreen"
    Header { id: header; anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right }

    Text {
        id: title
        anchors.top: header.bottom
        anchors.topMargin: 40
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

    readonly property var entries: menu.entries
    readonly property int rows: Math.ceil(entries.length / 2)
    readonly property real gap: 40
    readonly property real tileW: 760
    readonly property real minTileH: 230 * Math.min(root.s, 1.2)
    readonly property real fitTileH: (tiles.height - gap * (rows - 1)) / Math.max(1, rows)
    readonly property real tileH: Math.max(minTileH, Math.min(300 * Math.min(root.s, 1.2), fitTileH))

    Flickable {
        id: tiles
        objectName: "menuTiles"
        anchors.top: title.bottom
        anchors.topMargin: 40
        anchors.bottom: parent.bottom
        anchors.bottomMargin: menu.unavailable !== "" ? 150 : 40  // room for the notice
        anchors.left: parent.left
        anchors.right: parent.right
        clip: true
        contentWidth: width
        contentHeight: grid.height
        interactive: contentHeight > height + 1
        boundsBehavior: Flickable.StopAtBounds

        Column {
            id: grid
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: screen.gap
            Repeater {
                model: screen.rows
                Row {
                    id: row
                    readonly property int first: index * 2
                    anchors.horizontalCenter: parent.horizontalCenter
                    spacing: screen.gap
                    Repeater {
                        model: screen.entries.slice(row.first, row.first + 2)
                        delegate: Rectangle {
                            objectName: "journey_" + modelData.id
                            Accessible.role: Accessible.Button
                            Accessible.name: root.plain(modelData.title + "，" + modelData.subtitle)
                            Accessible.onPressAction: menu.open(modelData.id)
                            width: screen.tileW
                            height: screen.tileH
                            radius: 28
                            color: tap.pressed ? "#dbe6f3" : "white"
                            border.color: root.edge
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
                                Text { width: parent.width; wrapMode: Text.Wrap; text: modelData.title; color: root.ink; font.pixelSize: 54 * root.s; font.bold: true }
                                Text {
                                    width: parent.width; wrapMode: Text.Wrap
                                    maximumLineCount: 2; elide: Text.ElideRight
                                    text: modelData.subtitle; color: root.muted; font.pixelSize: 32 * root.s
                                }
                            }
                            MouseArea { id: tap; anchors.fill: parent; onClicked: menu.open(modelData.id) }
                        }
                    }
                }
            }
        }
    }
    // The list goes on below: say so, at the edge where it is cut.
    Rectangle {
        objectName: "scrollCueMenu"
        visible: tiles.interactive && !tiles.atYEnd
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 8
        anchors.horizontalCenter: parent.horizontalCenter
        width: more.implicitWidth + 64; height: 56; radius: 28
        color: root.primary
        Text { id: more; anchors.centerIn: parent; text: qsTr("More below ▼"); color: "white"; font.pixelSize: 32 * root.s; font.bold: true }
    }
}
