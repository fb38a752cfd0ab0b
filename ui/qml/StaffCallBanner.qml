import QtQuick

// What happened to the citizen's call for staff, over whatever screen is shown.
Rectangle {
    id: banner
    objectName: "staffCallBanner"
    property bool dismissed: false
    readonly property string state_: shell.staffCall
    visible: state_ !== "none" && !dismissed
    onState_Changed: dismissed = false
    width: Math.min(parent.width - 160, 1500)
    height: content.implicitHeight + 64
    radius: 28
    color: "white"
    border.width: 6
    border.color: state_ === "unreachable" ? root.accent : root.primary
    // A tap on the banner closes it, like its button (and never reaches what is below).
    MouseArea {
        anchors.fill: parent
        onClicked: banner.dismissed = true
        Accessible.role: Accessible.Button
        Accessible.name: root.plain(qsTr("OK"))
        Accessible.onPressAction: banner.dismissed = true
    }

    Row {
        id: content
        anchors.centerIn: parent
        width: parent.width - 64
        spacing: 32
        Column {
            width: parent.width - ok.width - 32
            anchors.verticalCenter: parent.verticalCenter
            spacing: 12
            Text {
                objectName: "staffCallHeadline"
                width: parent.width
                wrapMode: Text.Wrap
                text: banner.state_ === "calling" ? qsTr("Calling a member of staff…")
                    : banner.state_ === "called" ? qsTr("The staff have been told. Please wait here.")
                    : banner.state_ === "coming" ? qsTr("A member of staff is on the way. Please wait here.")
                    : qsTr("We could not reach the staff. Please ask at the help desk.")
                color: banner.state_ === "unreachable" ? root.accent : root.ink
                font.pixelSize: 44 * root.s
                font.bold: true
            }
            Text {
                width: parent.width
                wrapMode: Text.Wrap
                visible: banner.state_ === "called" || banner.state_ === "coming"
                text: qsTr("Your information stays on this screen while you wait.")
                color: root.muted
                font.pixelSize: 32 * root.s
            }
        }
        KButton {
            id: ok
            objectName: "staffCallOk"
            anchors.verticalCenter: parent.verticalCenter
            fill: root.primary
            text: qsTr("OK")
            onTapped: banner.dismissed = true
        }
    }
}
