import QtQuick
import QtQuick.Templates as T

// A touch target: at least 96 px high (15 mm on a 21.5" 1080p panel is ~72 px).
// A real control (Qt Quick Templates' AbstractButton), so assistive technology sees a
// Button named by its text, and can press it.
T.AbstractButton {
    id: button
    property string subtext: ""
    property color fill: "#0b4a8b"
    property color textColor: "white"
    // The outline: a white or pale button needs a dark edge to stand out (3:1).
    property color edge: fill == "#ffffff" ? root.edge : "transparent"
    property real fontSize: 40
    property real minWidth: 320
    signal tapped()

    // Taps must not take the focus from a text field (the keyboard would close).
    focusPolicy: Qt.NoFocus
    implicitWidth: Math.max(minWidth, label.implicitWidth + 64)
    implicitHeight: Math.max(112, column.implicitHeight + 40)
    onClicked: button.tapped()

    Accessible.role: Accessible.Button
    Accessible.name: root.plain(subtext !== "" ? text + "，" + subtext : text)
    Accessible.onPressAction: button.tapped()

    background: Rectangle {
        radius: 20
        color: button.down ? Qt.darker(button.fill, 1.25) : button.fill
        border.width: button.edge.a > 0 ? 3 : 0
        border.color: button.edge
    }
    contentItem: Item {
        Column {
            id: column
            anchors.centerIn: parent
            width: parent.width - 48
            spacing: 6
            Text {
                id: label
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                text: button.text
                color: button.textColor
                font.pixelSize: button.fontSize * root.s
                font.bold: true
            }
            Text {
                width: parent.width
                visible: button.subtext !== ""
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                text: button.subtext
                color: button.textColor
                font.pixelSize: 26 * root.s
            }
        }
    }
}
