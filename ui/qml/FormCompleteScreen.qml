import QtQuick
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings

// Form journey, step 4: the citizen completes the rest with the on-screen keyboard.
// Each keystroke goes to the core, which answers with a plain message at once.
Item {
    id: screen
    objectName: "formCompleteScreen"
    Header {
        id: header
        anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right
        showBack: true
        onBack: formComplete.back()
    }
    Flickable {
        id: flick
        objectName: "formFields"
        anchors.top: header.bottom; anchors.topMargin: 24
        anchors.left: parent.left; anchors.right: parent.right
        anchors.bottom: keyboard.top; anchors.bottomMargin: 16
        contentHeight: fieldsColumn.implicitHeight + 200
        clip: true
        Column {
            id: fieldsColumn
            x: (flick.width - width) / 2
            width: 1400
            spacing: 22
            Text { width: parent.width; wrapMode: Text.WordWrap; text: formComplete.title; color: root.muted; font.pixelSize: 36 * root.s }
            Text { text: qsTr("Please fill in the remaining items"); color: root.ink; font.pixelSize: 50 * root.s; font.bold: true }
            Repeater {
                model: formComplete.fields
                delegate: Column {
                    id: fieldItem
                    required property var modelData
                    width: fieldsColumn.width
                    spacing: 8
                    Row {
                        spacing: 12
                        Text { text: fieldItem.modelData.label; color: root.ink; font.pixelSize: 36 * root.s; font.bold: true }
                        Text { visible: fieldItem.modelData.required; text: "*"; color: root.accent; font.pixelSize: 36 * root.s; font.bold: true }
                    }
                    Text {
                        visible: fieldItem.modelData.help !== ""
                        width: parent.width; wrapMode: Text.WordWrap
                        text: fieldItem.modelData.help; color: root.muted; font.pixelSize: 26 * root.s
                    }
                    Rectangle {
                        visible: fieldItem.modelData.options.length === 0
                        width: parent.width; height: 96 * Math.min(root.s, 1.2)
                        radius: 14; color: "white"
                        border.width: input.activeFocus ? 4 : 2
                        border.color: formComplete.problems[fieldItem.modelData.name] ? root.accent : (input.activeFocus ? root.primary : "#c5cfdb")
                        TextInput {
                            id: input
                            objectName: "input_" + fieldItem.modelData.name
                            anchors.fill: parent; anchors.margins: 20
                            verticalAlignment: TextInput.AlignVCenter
                            font.pixelSize: 40 * root.s
                            color: root.ink
                            text: formComplete.answers[fieldItem.modelData.name] || ""
                            inputMethodHints: fieldItem.modelData.hints
                            onTextChanged: if (text !== (formComplete.answers[fieldItem.modelData.name] || "")) formComplete.setAnswer(fieldItem.modelData.name, text)
                            onActiveFocusChanged: if (activeFocus) flick.contentY = Math.max(0, Math.min(fieldItem.y - 40, flick.contentHeight - flick.height))
                        }
                    }
                    Flow {
                        visible: fieldItem.modelData.options.length > 0
                        width: parent.width
                        spacing: 16
                        Repeater {
                            model: fieldItem.modelData.options
                            delegate: KButton {
                                objectName: "option_" + fieldItem.modelData.name + "_" + modelData.value
                                implicitHeight: 96
                                fontSize: 34
                                fill: formComplete.answers[fieldItem.modelData.name] === modelData.value ? root.primary : "#ffffff"
                                textColor: formComplete.answers[fieldItem.modelData.name] === modelData.value ? "white" : root.primary
                                text: modelData.label
                                onTapped: formComplete.setAnswer(fieldItem.modelData.name, modelData.value)
                            }
                        }
                    }
                    Text {
                        objectName: "problem_" + fieldItem.modelData.name
                        visible: text !== ""
                        width: parent.width; wrapMode: Text.WordWrap
                        text: formComplete.problems[fieldItem.modelData.name] || ""
                        color: root.accent; font.pixelSize: 30 * root.s; font.bold: true
                    }
                }
            }
            KButton {
                objectName: "nextButton"
                width: 720
                anchors.horizontalCenter: parent.horizontalCenter
                fill: root.primary
                text: qsTr("Next: check the form")
                onTapped: { screen.forceActiveFocus(); formComplete.submit() }
            }
        }
    }
    InputPanel {
        id: keyboard
        objectName: "keyboard"
        z: 99
        anchors.left: parent.left; anchors.right: parent.right
        y: active ? parent.height - height : parent.height
        // Settings are touched only once the panel exists: earlier, the keyboard's style
        // fails to load. Chinese (Pinyin) and English only; the keyboard learns into a
        // private folder that the view-model empties after every citizen, and a new
        // citizen's first keyboard starts with a reset, so nothing typed carries over.
        Component.onCompleted: {
            VirtualKeyboardSettings.activeLocales = ["zh_CN", "en_US"]
            VirtualKeyboardSettings.locale = formComplete.keyboardLocale
            VirtualKeyboardSettings.userDataPath = formComplete.keyboardDataPath
            if (formComplete.keyboardNeedsReset) {
                VirtualKeyboardSettings.userDataReset()
                formComplete.keyboardResetDone()
            }
        }
    }
}
