import QtQuick

// The technician's PIN pad. Reached by holding the hall name on the start screen.
Item {
    objectName: "techPinScreen"
    Rectangle { anchors.fill: parent; color: "#1b2430" }
    Column {
        anchors.centerIn: parent
        spacing: 28
        Text {
            objectName: "pinMessage"
            anchors.horizontalCenter: parent.horizontalCenter
            text: techPin.message
            color: "white"
            font.pixelSize: 44 * root.s
        }
        Rectangle {
            anchors.horizontalCenter: parent.horizontalCenter
            width: 520; height: 110; radius: 16
            color: "#2c3a4c"
            Text { anchors.centerIn: parent; text: techPin.masked; color: "white"; font.pixelSize: 56; font.letterSpacing: 12 }
        }
        Grid {
            anchors.horizontalCenter: parent.horizontalCenter
            columns: 3
            spacing: 20
            Repeater {
                model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "del", "0", "ok"]
                delegate: KButton {
                    objectName: "pinKey_" + modelData
                    width: 200
                    implicitHeight: 120
                    fill: modelData === "ok" ? root.ok : (modelData === "del" ? "#5a6878" : "#0b4a8b")
                    edge: "#cfd8e3"  // light edge: the keys stand out on the dark page
                    fontSize: 52
                    text: modelData === "del" ? "⌫" : (modelData === "ok" ? qsTr("OK") : modelData)
                    onTapped: modelData === "ok" ? techPin.submit() : techPin.press(modelData)
                }
            }
        }
        KButton {
            objectName: "pinCancel"
            anchors.horizontalCenter: parent.horizontalCenter
            width: 640
            fill: root.accent
            edge: "white"
            text: qsTr("Exit")
            onTapped: shell.cancel()
        }
    }
}
