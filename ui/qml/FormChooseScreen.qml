import QtQuick

// Form journey, step 1: which form does the citizen need?
Item {
    objectName: "formChooseScreen"
    Header {
        id: header
        anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right
        showBack: true
        onBack: formChoose.back()
    }
    Text {
        id: title
        anchors.top: header.bottom; anchors.topMargin: 48
        anchors.horizontalCenter: parent.horizontalCenter
        text: qsTr("Choose a form")
        color: root.ink; font.pixelSize: 60 * root.s; font.bold: true
    }
    Flickable {
        id: flick
        anchors.top: title.bottom; anchors.topMargin: 40
        anchors.left: parent.left; anchors.right: parent.right; anchors.bottom: parent.bottom
        contentHeight: list.implicitHeight + 48
        clip: true
        Column {
            id: list
            x: (flick.width - width) / 2
            spacing: 32
            Repeater {
                model: formChoose.forms
                delegate: Rectangle {
                    objectName: "form_" + modelData.id
                    width: 1400; height: Math.max(180, texts.implicitHeight + 56)
                    radius: 24
                    color: tap.pressed ? "#dbe6f3" : "white"
                    border.color: root.edge; border.width: 3
                    Accessible.role: Accessible.Button
                    Accessible.name: root.plain(modelData.title + "，" + modelData.summary)
                    Accessible.onPressAction: formChoose.choose(modelData.id)
                    Column {
                        id: texts
                        anchors.left: parent.left; anchors.leftMargin: 48
                        anchors.right: parent.right; anchors.rightMargin: 48
                        anchors.verticalCenter: parent.verticalCenter
                        spacing: 10
                        Text { width: parent.width; wrapMode: Text.WordWrap; text: modelData.title; color: root.ink; font.pixelSize: 50 * root.s; font.bold: true }
                        Text { width: parent.width; wrapMode: Text.WordWrap; text: modelData.summary; color: root.muted; font.pixelSize: 30 * root.s }
                    }
                    MouseArea { id: tap; anchors.fill: parent; onClicked: formChoose.choose(modelData.id) }
                }
            }
        }
    }
    FormScrollCue {
        flick: flick
        anchors.left: flick.left; anchors.right: flick.right; anchors.bottom: flick.bottom
    }
}
