import QtQuick

// One touch calls a member of staff (the centre is told; the banner says what next).
// Amber so it is found at a glance; it says when the call is on its way.
KButton {
    objectName: "callStaffButton"
    implicitHeight: 96
    minWidth: 200
    fill: "#f5c542"
    textColor: "#1b2430"
    edge: root.ink  // amber alone is too pale on the page (1.4:1); the dark edge is 16:1
    fontSize: 34
    text: shell.staffCall === "called" || shell.staffCall === "calling" ? qsTr("Staff called")
        : (shell.staffCall === "coming" ? qsTr("Staff coming") : qsTr("Call staff"))
    onTapped: shell.callStaff()
}
