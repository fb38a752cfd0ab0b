import QtQuick

// An address without typing: the citizen taps a district, then a street (or "not in
// the list" to type the street with the number). The house number is typed on the form.
Rectangle {
    id: picker
    property string field: ""       // the address field being picked; "" = closed
    property string label: ""
    property var district: null     // the district chosen in this visit of the picker
    visible: field !== ""
    anchors.fill: parent
    anchors.topMargin: 128  // below the header: Exit (and help) stay within reach
    z: 150
    color: "#eef2f7"
    onVisibleChanged: { district = null; if (visible) Qt.inputMethod.hide() }
    MouseArea { anchors.fill: parent }  // the form behind is not tappable
    Text {
        id: heading
        anchors.top: parent.top; anchors.topMargin: 40
        anchors.left: parent.left; anchors.leftMargin: 80; anchors.right: parent.right; anchors.rightMargin: 80
        wrapMode: Text.WordWrap
        text: picker.district === null ? qsTr("%1: choose the district").arg(picker.label)
                                       : qsTr("%1: choose the street in %2").arg(picker.label).arg(picker.district.label)
        color: root.ink; font.pixelSize: 50 * root.s; font.bold: true
    }
    Flickable {
        id: flick
        anchors.top: heading.bottom; anchors.topMargin: 32
        anchors.left: parent.left; anchors.right: parent.right
        anchors.bottom: buttons.top; anchors.bottomMargin: 24
        contentHeight: grid.implicitHeight + 24
        clip: true
        Grid {
            id: grid
            x: (flick.width - width) / 2
            columns: root.s > 1 ? 3 : 4
            spacing: 24
            Repeater {
                model: picker.district === null ? formComplete.districts : picker.district.streets
                delegate: KButton {
                    objectName: (picker.district === null ? "district_" : "street_") + modelData.name
                    width: root.s > 1 ? 540 : 400
                    fill: "#ffffff"; textColor: root.primary; fontSize: 38
                    text: modelData.label
                    onTapped: {
                        if (picker.district === null) {
                            picker.district = modelData
                        } else {
                            formComplete.pickAddress(picker.field, picker.district.name, modelData.name)
                            picker.field = ""
                        }
                    }
                }
            }
        }
    }
    FormScrollCue {
        flick: flick
        anchors.left: flick.left; anchors.right: flick.right; anchors.bottom: flick.bottom
    }
    Row {
        id: buttons
        anchors.bottom: parent.bottom; anchors.bottomMargin: 40
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: 48
        KButton {
            objectName: "pickerBackButton"
            width: 560; fill: "#ffffff"; textColor: root.primary
            text: picker.district === null ? qsTr("Cancel") : qsTr("‹ Other district")
            onTapped: picker.district === null ? picker.field = "" : picker.district = null
        }
        KButton {
            objectName: "streetNotListedButton"
            visible: picker.district !== null
            width: 720; fill: root.primary
            text: qsTr("My street is not listed: I will type it")
            onTapped: {
                formComplete.pickAddress(picker.field, picker.district.name, "")
                picker.field = ""
            }
        }
    }
}
