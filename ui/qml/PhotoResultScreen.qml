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
        // What the countdown does, said beside it (not on the OK button, where a
        // number reads as "will confirm by itself").
        Text {
            objectName: "resultTimeoutNotice"
            width: parent.width
            wrapMode: Text.WordWrap
            visible: photoResult.secondsLeft >= 0
            text: qsTr("If you do not tap OK within %1 s, this photo will not be kept.").arg(Math.max(0, photoResult.secondsLeft))
            color: photoResult.secondsLeft <= 30 ? root.accent : root.ink
            font.pixelSize: 36 * root.s
            font.bold: photoResult.secondsLeft <= 30
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
            text: qsTr("OK, use this photo")
            onTapped: photoResult.accept()
        }
    }
}
