import QtQuick

// The live check: the citizen's mirror image, ONE instruction at a time (also spoken),
// which step of how many, and the seconds left for this action.
Item {
    objectName: "identityLiveScreen"
    Header { id: header; anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right }

    Text {
        objectName: "identityInstruction"
        id: instruction
        anchors.top: header.bottom; anchors.topMargin: 20
        anchors.horizontalCenter: parent.horizontalCenter
        width: parent.width - 160
        horizontalAlignment: Text.AlignHCenter; wrapMode: Text.WordWrap
        text: identityLive.instruction
        color: identityLive.state === "camera_lost" ? root.accent : root.primary
        font.pixelSize: 72 * root.s; font.bold: true
    }
    Rectangle {
        id: stage
        anchors.top: instruction.bottom; anchors.topMargin: 20
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(parent.width - 120, (parent.height - instruction.y - instruction.height - 200) * 16 / 9)
        height: width * 9 / 16
        radius: 24; color: "#202830"; clip: true
        Image {
            objectName: "identityPreview"
            anchors.fill: parent
            visible: identityLive.state !== "camera_lost"
            source: identityLive.frameSource
            // Frames come shrunk to the stage (less to convert, copy and upload).
            sourceSize.width: width; sourceSize.height: height
            cache: false; asynchronous: false
            fillMode: Image.PreserveAspectFit
        }
        // Where to keep the face: a plain oval, the same for every action.
        Rectangle {
            anchors.centerIn: parent
            width: parent.height * 0.55; height: parent.height * 0.78
            radius: width / 2
            color: "transparent"; border.width: 6; border.color: "#ffffff"; opacity: 0.7
        }
        // The action, drawn: an arrow for turns (the citizen's own left is on the left of
        // the mirror image they see), a symbol for the others.
        Text {
            objectName: "actionSymbol"
            anchors.verticalCenter: parent.verticalCenter
            x: identityLive.action === "turn_left" ? 40 : (identityLive.action === "turn_right" ? parent.width - width - 40 : (parent.width - width) / 2)
            visible: identityLive.action !== ""
            text: ({"turn_left": "⟵", "turn_right": "⟶", "nod": "↓↑", "blink": "◡ ◡", "open_mouth": "○"})[identityLive.action] || ""
            color: "white"; style: Text.Outline; styleColor: "#80000000"
            font.pixelSize: 180; font.bold: true
            opacity: identityLive.action === "blink" || identityLive.action === "open_mouth" || identityLive.action === "nod" ? 0.0 : 0.9
        }
        Rectangle {
            anchors.fill: parent
            visible: identityLive.state === "matching" || identityLive.state === "retry"
            color: "#99000000"
        }
        Text {
            objectName: "identityNote"
            anchors.horizontalCenter: parent.horizontalCenter
            anchors.bottom: parent.bottom; anchors.bottomMargin: 24
            visible: text !== ""
            text: identityLive.note
            color: "white"; style: Text.Outline; styleColor: root.accent
            font.pixelSize: 40 * root.s; font.bold: true
        }
    }
    Row {
        anchors.top: stage.bottom; anchors.topMargin: 20
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: 60
        Text {
            objectName: "identityStep"
            visible: identityLive.step !== ""
            text: qsTr("Action %1").arg(identityLive.step)
            color: root.ink; font.pixelSize: 44 * root.s; font.bold: true
        }
        Text {
            objectName: "identitySecondsLeft"
            visible: identityLive.secondsLeft >= 0
            text: qsTr("%1 s left").arg(identityLive.secondsLeft)
            color: root.muted; font.pixelSize: 44 * root.s
        }
    }
}
