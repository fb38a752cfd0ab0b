import QtQuick

// Diagnostics: each device's driver, live health and counters, and a self-test.
Item {
    objectName: "techPanelScreen"
    Rectangle { anchors.fill: parent; color: "#eef2f7" }
    Rectangle {
        id: bar
        anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right
        height: 128
        color: "#1b2430"
        Text {
            anchors.left: parent.left; anchors.leftMargin: 40
            anchors.verticalCenter: parent.verticalCenter
            text: qsTr("Diagnostics")
            color: "white"; font.pixelSize: 48 * root.s; font.bold: true
        }
        KButton {
            objectName: "techExit"
            anchors.right: parent.right; anchors.rightMargin: 24
            anchors.verticalCenter: parent.verticalCenter
            implicitHeight: 96
            fill: root.accent
            edge: "white"
            fontSize: 34
            text: qsTr("Exit")
            onTapped: shell.cancel()
        }
    }
    Flickable {
        id: list
        objectName: "techRows"
        anchors.top: bar.bottom; anchors.topMargin: 24
        anchors.bottom: parent.bottom; anchors.bottomMargin: 24
        anchors.horizontalCenter: parent.horizontalCenter
        width: parent.width - 96
        clip: true
        contentWidth: width
        contentHeight: rowsColumn.height
        interactive: contentHeight > height + 1
        boundsBehavior: Flickable.StopAtBounds
    Column {
        id: rowsColumn
        width: list.width
        spacing: 16
        Repeater {
            model: techPanel.rows
            delegate: Rectangle {
                width: parent.width
                height: 150 * Math.min(root.s, 1.2)
                radius: 16
                color: "white"
                border.width: 3
                border.color: modelData.state === "ok" ? root.edge : (modelData.state === "degraded" ? root.warn : root.accent)
                Rectangle {
                    id: lamp
                    anchors.left: parent.left; anchors.leftMargin: 28
                    anchors.verticalCenter: parent.verticalCenter
                    width: 44; height: 44; radius: 22
                    color: modelData.state === "ok" ? root.ok : (modelData.state === "degraded" ? root.warn : root.accent)
                }
                Column {
                    anchors.left: lamp.right; anchors.leftMargin: 28
                    anchors.right: testButton.left; anchors.rightMargin: 24
                    anchors.verticalCenter: parent.verticalCenter
                    spacing: 6
                    Text {
                        width: parent.width; elide: Text.ElideRight
                        text: modelData.name + "   " + modelData.stateText + (modelData.reason ? " — " + modelData.reason : "")
                        color: root.ink; font.pixelSize: 36 * root.s; font.bold: true
                    }
                    Text { width: parent.width; elide: Text.ElideRight; text: modelData.uri + "   " + modelData.counters; color: root.muted; font.pixelSize: 26 * root.s }
                    Text {
                        objectName: "testResult_" + modelData.kind
                        width: parent.width; elide: Text.ElideRight
                        text: modelData.test
                        color: modelData.testOk ? root.ok : root.accent
                        font.pixelSize: 26 * root.s
                    }
                }
                KButton {
                    id: testButton
                    objectName: "test_" + modelData.kind
                    anchors.right: parent.right; anchors.rightMargin: 24
                    anchors.verticalCenter: parent.verticalCenter
                    implicitHeight: 104
                    fontSize: 34
                    text: qsTr("Test")
                    onTapped: techPanel.test(modelData.kind)
                }
            }
        }
    }
    }
    // More rows below: say so where the list is cut.
    Rectangle {
        objectName: "scrollCueTech"
        visible: list.interactive && !list.atYEnd
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 8
        anchors.horizontalCenter: parent.horizontalCenter
        width: more.implicitWidth + 64; height: 56; radius: 28
        color: root.primary
        Text { id: more; anchors.centerIn: parent; text: qsTr("More below ▼"); color: "white"; font.pixelSize: 32 * root.s; font.bold: true }
    }
}
