import QtQuick

// Photo booth, step 1 (when the hall offers more than one): which photo is needed.
Item {
    objectName: "photoChooseScreen"
    Header {
        id: header
        anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right
        showBack: true
        onBack: photoBooth.back()
    }
    Text {
        id: title
        anchors.top: header.bottom; anchors.topMargin: 40
        anchors.horizontalCenter: parent.horizontalCenter
        width: parent.width - 160
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
        text: qsTr("Which photo do you need?")
        color: root.ink; font.pixelSize: 60 * root.s; font.bold: true
    }
    Flickable {
        anchors.top: title.bottom; anchors.topMargin: 40
        anchors.bottom: parent.bottom; anchors.bottomMargin: 32
        anchors.horizontalCenter: parent.horizontalCenter
        width: 1400
        contentHeight: options.height
        clip: true
        Column {
            id: options
            width: parent.width
            spacing: 28
            Repeater {
                model: photoChoose.options
                delegate: KButton {
                    objectName: "photoSpec_" + modelData.id
                    width: options.width
                    fill: "#ffffff"
                    textColor: root.ink
                    fontSize: 50
                    text: modelData.title
                    subtext: modelData.subtitle
                    onTapped: photoChoose.choose(modelData.id)
                }
            }
        }
    }
}
