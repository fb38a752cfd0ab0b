import QtQuick

// A touch target: at least 96 px high (15 mm on a 21.5" 1080p panel is ~72 px).
Rectangle {
    id: button
    property string text: ""
    property string subtext: ""
    property color fill: "#0b4a8b"
    property color textColor: "white"
    property real fontSize: 40
    signal tapped()

    implicitWidth: Math.max(320, label.implicitWidth + 96)
    implicitHeight: Math.max(112, column.implicitHeight + 40)
    radius: 20
    color: tap.pressed ? Qt.darker(fill, 1.25) : fill
    border.width: fill == "#ffffff" ? 3 : 0
    border.color: "#c5cfdb"

    Column {
        id: column
        anchors.centerIn: parent
        width: parent.width - 48
        spacing: 6
        Text {
            id: label
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: button.text
            color: button.textColor
            font.pixelSize: button.fontSize * root.s
            font.bold: true
        }
        Text {
            width: parent.width
            visible: button.subtext !== ""
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: button.subtext
            color: button.textColor
            opacity: 0.85
            font.pixelSize: 26 * root.s
        }
    }
    MouseArea { id: tap; anchors.fill: parent; onClicked: button.tapped() }
}
