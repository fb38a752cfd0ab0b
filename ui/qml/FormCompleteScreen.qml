import QtQuick
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings

// Form journey, step 4: the citizen completes the rest. Typing is cut to the minimum:
// choices are big buttons, addresses come from district and street pickers with only
// the number typed, dates from a picker. An answer is judged when the citizen leaves
// the field or taps Next, never mid-typing; every field keeps room for its message, so
// nothing moves under the finger; Next scrolls to the first problem (and the voice says it).
Item {
    id: screen
    objectName: "formCompleteScreen"
    Header {
        id: header
        anchors.top: parent.top; anchors.left: parent.left; anchors.right: parent.right
        showBack: true
        exitWarning: formComplete.exitWarning
        onBack: formComplete.back()
        onExitAsked: exitConfirm.open = true
    }
    Flickable {
        id: flick
        objectName: "formFields"
        anchors.top: header.bottom; anchors.topMargin: 24
        anchors.left: parent.left; anchors.right: parent.right
        anchors.bottom: keyboard.top; anchors.bottomMargin: 16
        contentHeight: fieldsColumn.implicitHeight + 200
        clip: true
        // Scroll so the field being typed in sits at the top, its label and help shown,
        // clear of the keyboard; again whenever the keyboard grows (Pinyin candidates).
        property Item typingIn: null
        property Item typingField: null
        function reveal(item) {
            var y = item.mapToItem(fieldsColumn, 0, 0).y
            contentY = Math.max(0, Math.min(y - 16, contentHeight - height))
        }
        onHeightChanged: if (typingIn !== null && typingIn.activeFocus) reveal(typingField)
        // A tap between the fields leaves the field being typed in (and closes the keyboard).
        // A handler, not a MouseArea: it is the background, not a control of its own.
        TapHandler { onTapped: screen.forceActiveFocus() }
        Column {
            id: fieldsColumn
            x: (flick.width - width) / 2
            width: 1400
            spacing: 22
            Text { width: parent.width; wrapMode: Text.WordWrap; text: formComplete.title; color: root.muted; font.pixelSize: 36 * root.s }
            Text { width: parent.width; wrapMode: Text.WordWrap; text: qsTr("Please fill in the remaining items"); color: root.ink; font.pixelSize: 50 * root.s; font.bold: true }
            Repeater {
                id: fieldsRepeater
                model: formComplete.fields
                delegate: Column {
                    id: fieldItem
                    required property var modelData
                    readonly property string name: modelData.name
                    readonly property string kind: modelData.kind
                    readonly property bool wrong: (formComplete.problems[name] || "") !== ""
                    objectName: "field_" + name
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
                        text: fieldItem.modelData.help; color: root.muted; font.pixelSize: 28 * root.s
                    }
                    // Typed text (names, phone numbers, ...): the keyboard the field needs.
                    Rectangle {
                        visible: fieldItem.kind === "text"
                        width: parent.width; height: 96 * Math.min(root.s, 1.2)
                        radius: 14; color: "white"
                        border.width: input.activeFocus ? 4 : 2
                        border.color: fieldItem.wrong ? root.accent : (input.activeFocus ? root.primary : root.edge)
                        TextInput {
                            id: input
                            objectName: "input_" + fieldItem.name
                            Accessible.name: fieldItem.modelData.label
                            // The whole box takes the tap (96 px), not just the text line.
                            anchors.fill: parent; anchors.leftMargin: 20; anchors.rightMargin: 20
                            verticalAlignment: TextInput.AlignVCenter
                            font.pixelSize: 40 * root.s
                            color: root.ink
                            clip: true
                            text: formComplete.answers[fieldItem.name] || ""
                            inputMethodHints: fieldItem.modelData.hints
                            onTextChanged: if (text !== (formComplete.answers[fieldItem.name] || "")) formComplete.setAnswer(fieldItem.name, text)
                            onActiveFocusChanged: {
                                if (activeFocus) { flick.typingIn = input; flick.typingField = fieldItem; flick.reveal(fieldItem) }
                                else formComplete.leaveField(fieldItem.name)
                            }
                        }
                    }
                    // Choices: big buttons.
                    Flow {
                        visible: fieldItem.kind === "choice"
                        width: parent.width
                        spacing: 16
                        Repeater {
                            model: fieldItem.modelData.options
                            delegate: KButton {
                                objectName: "option_" + fieldItem.name + "_" + modelData.value
                                implicitHeight: 96
                                fontSize: 34
                                fill: formComplete.answers[fieldItem.name] === modelData.value ? root.primary : "#ffffff"
                                textColor: formComplete.answers[fieldItem.name] === modelData.value ? "white" : root.primary
                                text: modelData.label
                                onTapped: { screen.forceActiveFocus(); formComplete.choose(fieldItem.name, modelData.value) }
                            }
                        }
                    }
                    // Address: district and street from the pickers, then the number typed.
                    Column {
                        visible: fieldItem.kind === "address"
                        width: parent.width
                        spacing: 12
                        KButton {
                            objectName: "pickAddress_" + fieldItem.name
                            width: parent.width
                            fill: "#ffffff"; textColor: root.primary; fontSize: 38
                            text: formComplete.picked[fieldItem.name] ? formComplete.picked[fieldItem.name] + qsTr("  (tap to change)") : qsTr("Choose the district and street")
                            onTapped: { screen.forceActiveFocus(); addressPicker.label = fieldItem.modelData.label; addressPicker.field = fieldItem.name }
                        }
                        // Always there (empty until the street is picked): nothing below moves.
                        Rectangle {
                            readonly property bool ready: formComplete.picked[fieldItem.name] !== undefined
                            width: parent.width; height: 96 * Math.min(root.s, 1.2)
                            radius: 14; color: ready ? "white" : "#e3e8ef"
                            border.width: house.activeFocus ? 4 : 2
                            border.color: fieldItem.wrong ? root.accent : (house.activeFocus ? root.primary : root.edge)
                            Text {
                                visible: house.text === "" && !house.activeFocus
                                anchors.left: parent.left; anchors.leftMargin: 20; anchors.verticalCenter: parent.verticalCenter
                                text: !parent.ready ? qsTr("First choose the district and street")
                                    : formComplete.streetsListed[fieldItem.name] ? qsTr("Type the number, e.g. 1-2-301") : qsTr("Type the street and number")
                                color: root.muted; font.pixelSize: 34 * root.s
                            }
                            TextInput {
                                id: house
                                objectName: "house_" + fieldItem.name
                                Accessible.name: fieldItem.modelData.label + "，" + qsTr("house number")
                                enabled: parent.ready
                                anchors.fill: parent; anchors.leftMargin: 20; anchors.rightMargin: 20
                                verticalAlignment: TextInput.AlignVCenter
                                font.pixelSize: 40 * root.s
                                color: root.ink
                                clip: true
                                text: formComplete.houses[fieldItem.name] || ""
                                inputMethodHints: fieldItem.modelData.hints
                                onTextChanged: if (text !== (formComplete.houses[fieldItem.name] || "")) formComplete.setHouse(fieldItem.name, text)
                                onActiveFocusChanged: {
                                    if (activeFocus) { flick.typingIn = house; flick.typingField = fieldItem; flick.reveal(fieldItem) }
                                    else formComplete.leaveField(fieldItem.name)
                                }
                            }
                        }
                    }
                    // Dates: from the date picker.
                    KButton {
                        visible: fieldItem.kind === "date"
                        objectName: "pickDate_" + fieldItem.name
                        width: parent.width
                        fill: "#ffffff"; textColor: root.primary; fontSize: 38
                        text: formComplete.picked[fieldItem.name] ? formComplete.picked[fieldItem.name] + qsTr("  (tap to change)") : qsTr("Choose a date")
                        onTapped: {
                            screen.forceActiveFocus()
                            datePicker.label = fieldItem.modelData.label
                            datePicker.range = fieldItem.modelData.range
                            datePicker.required = fieldItem.modelData.required
                            datePicker.field = fieldItem.name
                        }
                    }
                    // Always there, empty or not: a message appearing or going never
                    // moves what is below it. One line; a long message is set smaller.
                    Text {
                        objectName: "problem_" + fieldItem.name
                        width: parent.width; height: 44 * root.s
                        verticalAlignment: Text.AlignVCenter
                        fontSizeMode: Text.HorizontalFit; minimumPixelSize: 20
                        text: formComplete.problems[fieldItem.name] || ""
                        color: root.accent; font.pixelSize: 30 * root.s; font.bold: true
                    }
                }
            }
            KButton {
                id: nextButton
                objectName: "nextButton"
                width: 720
                anchors.horizontalCenter: parent.horizontalCenter
                fill: root.primary
                text: qsTr("Next: check the form")
                onTapped: { screen.forceActiveFocus(); formComplete.submit() }
            }
        }
    }
    Connections {
        target: formComplete
        // Next found problems: bring the first into view (the voice names it).
        function onShowProblem(index) {
            var item = fieldsRepeater.itemAt(index)
            if (item) flick.reveal(item)
        }
    }
    FormScrollCue {
        flick: flick
        visible: more && !keyboard.active
        anchors.left: flick.left; anchors.right: flick.right; anchors.bottom: flick.bottom
    }
    FormAddressPicker { id: addressPicker }
    FormDatePicker { id: datePicker }
    FormExitConfirm { id: exitConfirm; message: formComplete.exitWarning }
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
