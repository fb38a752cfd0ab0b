import QtQuick
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings

// Passport or permit: the chip opens with the number and dates from the data page.
Item {
    id: screen
    objectName: "identityMrzScreen"
    Header {
        id: header
        anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right
        showBack: true
        onBack: identityMrz.back()
    }
    Column {
        id: fields
        anchors.top: header.bottom; anchors.topMargin: 32
        anchors.horizontalCenter: parent.horizontalCenter
        width: 1200
        spacing: 18
        Text {
            width: parent.width; wrapMode: Text.WordWrap
            text: qsTr("Type these from the photo page of your passport or permit")
            color: root.ink; font.pixelSize: 44 * root.s; font.bold: true
        }
        Repeater {
            model: [
                { "name": "document_number", "label": qsTr("Document number"), "digits": false },
                { "name": "birth_date", "label": qsTr("Date of birth (YYMMDD)"), "digits": true },
                { "name": "expiry_date", "label": qsTr("Date of expiry (YYMMDD)"), "digits": true }
            ]
            delegate: Column {
                required property var modelData
                required property int index
                width: fields.width; spacing: 6
                Text { text: modelData.label; color: identityMrz.problem === modelData.name ? root.accent : root.ink; font.pixelSize: 34 * root.s; font.bold: true }
                Rectangle {
                    width: parent.width; height: 96 * Math.min(root.s, 1.2)
                    radius: 14; color: "white"
                    border.width: input.activeFocus ? 4 : 2
                    border.color: identityMrz.problem === modelData.name ? root.accent : (input.activeFocus ? root.primary : root.edge)
                    TextInput {
                        id: input
                        objectName: "mrz_" + modelData.name
                        Accessible.name: modelData.label
                        // The whole box takes the tap (96 px), not just the text line.
                        anchors.fill: parent; anchors.leftMargin: 20; anchors.rightMargin: 20
                        verticalAlignment: TextInput.AlignVCenter
                        font.pixelSize: 40 * root.s; color: root.ink
                        maximumLength: modelData.digits ? 6 : 9
                        // A shared terminal must not learn what citizens type.
                        inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
                            | (modelData.digits ? Qt.ImhDigitsOnly : (Qt.ImhPreferUppercase | Qt.ImhNoAutoUppercase))
                        onTextChanged: screen.values[modelData.name] = text
                    }
                }
            }
        }
        Text {
            visible: identityMrz.problem !== ""
            text: qsTr("Please check the field marked in red")
            color: root.accent; font.pixelSize: 32 * root.s
        }
        KButton {
            objectName: "mrzNext"
            width: 720
            anchors.horizontalCenter: parent.horizontalCenter
            fill: root.primary
            text: qsTr("Next: read the chip")
            onTapped: { screen.forceActiveFocus(); identityMrz.submit(screen.values.document_number || "", screen.values.birth_date || "", screen.values.expiry_date || "") }
        }
    }
    property var values: ({})
    InputPanel {
        id: keyboard
        objectName: "keyboard"
        z: 99
        anchors.left: parent.left; anchors.right: parent.right
        y: active ? parent.height - height : parent.height
        Component.onCompleted: {
            VirtualKeyboardSettings.activeLocales = ["en_US"]
            VirtualKeyboardSettings.locale = "en_US"
        }
    }
}
