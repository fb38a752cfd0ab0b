import QtQuick

// The live preview: the citizen's mirror image, the outline to fit their head into,
// and one short instruction at a time. The countdown and "making your photo" show
// over the same picture; a lost camera replaces it with a clear message.
Item {
    objectName: "photoBoothScreen"
    Header { id: header; anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right }

    Rectangle {
        id: stage
        anchors.top: header.bottom
        anchors.topMargin: 24
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(parent.width - 120, (parent.height - header.height - 260) * 16 / 9)
        height: width * 9 / 16
        radius: 24
        color: "#202830"
        clip: true

        Image {
            id: preview
            objectName: "cameraPreview"
            anchors.fill: parent
            visible: photoBooth.state !== "camera_lost"
            source: photoBooth.frameSource
            // Frames come shrunk to the stage (less to convert, copy and upload).
            sourceSize.width: width; sourceSize.height: height
            cache: false
            asynchronous: false
            fillMode: Image.PreserveAspectFit
        }
        // The head outline: green when everything passes.
        Rectangle {
            objectName: "headOutline"
            visible: preview.visible
            x: (photoBooth.outline[0] - photoBooth.outline[2]) * stage.width
            y: (photoBooth.outline[1] - photoBooth.outline[3]) * stage.height
            width: 2 * photoBooth.outline[2] * stage.width
            height: 2 * photoBooth.outline[3] * stage.height
            radius: width / 2
            color: "transparent"
            border.width: 8
            border.color: photoBooth.ready ? "#2fbf71" : "#ffffff"
            opacity: 0.9
        }
        // The count on a dark plate with a white ring: readable over a white
        // background, a white shirt or a dark coat alike.
        Rectangle {
            objectName: "countdownPlate"
            anchors.centerIn: parent
            visible: photoBooth.countdown > 0
            width: 360; height: 360; radius: 180
            color: "#E6101820"
            border.color: "white"
            border.width: 8
            Text {
                objectName: "countdown"
                anchors.centerIn: parent
                text: photoBooth.countdown
                color: "white"
                font.pixelSize: 260
                font.bold: true
            }
        }
        Rectangle {
            anchors.fill: parent
            visible: photoBooth.state === "processing"
            color: "#99000000"
        }
        Text {
            anchors.centerIn: parent
            width: parent.width - 160
            visible: photoBooth.state === "camera_lost"
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: photoBooth.instruction
            color: "white"
            font.pixelSize: 60 * root.s
            font.bold: true
        }
    }

    Text {
        id: instruction
        objectName: "instruction"
        anchors.top: stage.bottom
        anchors.topMargin: 24
        anchors.horizontalCenter: parent.horizontalCenter
        width: stage.width
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
        visible: photoBooth.state !== "camera_lost"
        text: photoBooth.instruction
        color: photoBooth.ready ? "#1f8a52" : root.primary
        font.pixelSize: 64 * root.s
        font.bold: true
    }
    Text {
        objectName: "retryNote"
        anchors.top: stage.top
        anchors.topMargin: 20
        anchors.horizontalCenter: stage.horizontalCenter
        visible: text !== ""
        text: photoBooth.retryNote
        color: "white"
        style: Text.Outline
        styleColor: root.accent
        font.pixelSize: 36 * root.s
        font.bold: true
    }
    Text {
        objectName: "readyNote"
        anchors.top: instruction.bottom
        anchors.topMargin: 8
        anchors.horizontalCenter: parent.horizontalCenter
        width: stage.width
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
        visible: photoBooth.asked
        text: qsTr("The countdown starts as soon as the picture is right.")
        color: root.muted
        font.pixelSize: 34 * root.s
    }
    KButton {
        objectName: "readyButton"
        anchors.right: parent.right
        anchors.rightMargin: 40
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 32
        width: 520
        visible: photoBooth.state === "preview"
        fill: root.primary
        text: qsTr("I'm ready")
        onTapped: photoBooth.imReady()
    }
    KButton {
        objectName: "photoBack"
        anchors.left: parent.left
        anchors.leftMargin: 40
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 32
        visible: photoBooth.state !== "processing"
        fill: "#ffffff"
        textColor: root.ink
        text: qsTr("Back")
        onTapped: photoBooth.back()
    }
}
