import QtQuick

// A date without typing: the day is moved with big − / + buttons for year, month and
// day, and the core keeps it inside the dates the field accepts today.
Rectangle {
    id: picker
    property string field: ""       // the date field being picked; "" = closed
    property string label: ""
    property string range: ""
    property bool required: false
    visible: field !== ""
    anchors.fill: parent
    anchors.topMargin: 128  // below the header: Exit (and help) stay within reach
    z: 150
    color: "#eef2f7"
    onFieldChanged: if (field !== "") { Qt.inputMethod.hide(); if (!formComplete.picked[field]) formComplete.stepDate(field, "d", 0) }
    MouseArea { anchors.fill: parent }
    Column {
        anchors.centerIn: parent
        width: Math.min(parent.width - 160, 1400)
        spacing: 36
        Text { width: parent.width; wrapMode: Text.WordWrap; horizontalAlignment: Text.AlignHCenter; text: picker.label; color: root.ink; font.pixelSize: 50 * root.s; font.bold: true }
        Text {
            objectName: "pickedDate"
            anchors.horizontalCenter: parent.horizontalCenter
            text: formComplete.picked[picker.field] || ""
            color: root.primary; font.pixelSize: 80 * Math.min(root.s, 1.15); font.bold: true
        }
        Row {
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: 56
            Repeater {
                model: [
                    { unit: "y", name: qsTr("Year") },
                    { unit: "m", name: qsTr("Month") },
                    { unit: "d", name: qsTr("Day") }
                ]
                delegate: Column {
                    spacing: 16
                    KButton {
                        objectName: "date_up_" + modelData.unit
                        width: 280; fill: "#ffffff"; textColor: root.primary; fontSize: 44
                        text: "+ " + modelData.name
                        onTapped: formComplete.stepDate(picker.field, modelData.unit, 1)
                    }
                    KButton {
                        objectName: "date_down_" + modelData.unit
                        width: 280; fill: "#ffffff"; textColor: root.primary; fontSize: 44
                        text: "− " + modelData.name
                        onTapped: formComplete.stepDate(picker.field, modelData.unit, -1)
                    }
                }
            }
        }
        Text { width: parent.width; wrapMode: Text.WordWrap; horizontalAlignment: Text.AlignHCenter; text: picker.range; color: root.muted; font.pixelSize: 32 * root.s }
        Row {
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: 48
            KButton {
                objectName: "dateClearButton"
                visible: !picker.required
                width: 480; fill: "#ffffff"; textColor: root.primary
                text: qsTr("Leave it empty")
                onTapped: { formComplete.clearAnswer(picker.field); picker.field = "" }
            }
            KButton {
                objectName: "dateDoneButton"
                width: 480; fill: root.primary
                text: qsTr("Use this date")
                onTapped: picker.field = ""
            }
        }
    }
}
