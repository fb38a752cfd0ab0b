import QtQuick

// The finished photo, large, on its new background: keep it or take it again.
Item {
    objectName: "photoResultScreen"
    Header { id: header; anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right }

    Rectangle {
        id: frame
        anchors.top: header.bottom
        anchors.topMargin: 32
        anchors.horizontalCenter: parent.horizontalCenter
        height: parent.height - header.height - 240
        width: height * 3 / 4 + 48
        radius: 16
        color: "white"
        border.color: "#c5cfdb"
        border.width: 3
        Image {
            objectName: "photo"
            anchors.fill: parent
            anchors.margins: 24
            source: photoResult.photoSource
            cache: false
            fillMode: Image.PreserveAspectFit
        }
    }
    Column {
        anchors.left: frame.right
        anchors.leftMargin: 60
        anchors.right: parent.right
        anchors.rightMargin: 60
        anchors.verticalCenter: frame.verticalCenter
        spacing: 24
        Text {
            width: parent.width
            wrapMode: Text.WordWrap
            text: qsTr("Your photo meets the requirements")
            color: "#1f8a52"
            font.pixelSize: 52 * root.s
            font.bold: true
        }
        Text {
            objectName: "photoDetails"
            width: parent.width
            wrapMode: Text.WordWrap
            text: photoResult.details
            color: root.muted
            font.pixelSize: 32 * root.s
        }
    }
    Row {
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 40
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: 48
        KButton {
            objectName: "retakeButton"
            width: 520
            fill: "#ffffff"
            textColor: root.ink
            text: qsTr("Retake")
            onTapped: photoResult.retake()
        }
        KButton {
            objectName: "acceptButton"
            width: 640
            fill: root.primary
            text: qsTr("OK, use this photo (%1)").arg(Math.max(0, photoResult.secondsLeft))
            onTapped: photoResult.accept()
        }
    }
}
