import QtQuick

// The first thing a citizen sees. Tapping anywhere (but the two toggles) starts.
Item {
    id: screen
    objectName: "attractScreen"

    Rectangle {
        anchors.fill: parent
        gradient: Gradient {
            GradientStop { position: 0.0; color: "#0b4a8b" }
            GradientStop { position: 1.0; color: "#06305c" }
        }
    }
    // Anywhere on the screen starts, like the big button (named for assistive technology).
    MouseArea {
        anchors.fill: parent
        onClicked: attract.start()
        Accessible.role: Accessible.Button
        Accessible.name: root.plain(qsTr("Tap to start"))
        Accessible.onPressAction: attract.start()
    }

    Column {
        anchors.centerIn: parent
        width: parent.width * 0.8
        spacing: 40
        Text {
            objectName: "hallName"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: shell.hallName
            color: "white"
            font.pixelSize: 72 * root.s
            font.bold: true
            // Technicians hold the hall name for three seconds to reach diagnostics.
            MouseArea {
                // At least a finger's height, however small the name's text.
                anchors.centerIn: parent
                width: parent.width
                height: Math.max(parent.height, 120)
                pressAndHoldInterval: 3000
                onPressAndHold: attract.technician()
                onClicked: attract.start()
                Accessible.role: Accessible.Button
                Accessible.name: root.plain(qsTr("Tap to start"))
                Accessible.onPressAction: attract.start()
            }
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("Self-service terminal")
            color: "#cfe0f5"
            font.pixelSize: 44 * root.s
        }
        Rectangle {
            objectName: "startButton"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(parent.width, 980)
            height: 260 * Math.min(root.s, 1.15)
            radius: 40
            color: "white"
            Column {
                anchors.centerIn: parent
                spacing: 12
                Text {
                    anchors.horizontalCenter: parent.horizontalCenter
                    text: qsTr("Tap to start")
                    color: root.primary
                    font.pixelSize: 96 * Math.min(root.s, 1.15)
                    font.bold: true
                }
                Text {
                    // The other language, so nobody is locked out before choosing.
                    anchors.horizontalCenter: parent.horizontalCenter
                    text: shell.language === "zh_CN" ? "Tap to start" : "点击开始"
                    color: root.muted
                    font.pixelSize: 40 * root.s
                }
            }
            MouseArea { anchors.fill: parent; onClicked: attract.start() }
            Accessible.role: Accessible.Button
            Accessible.name: root.plain(qsTr("Tap to start"))
            Accessible.onPressAction: attract.start()
        }
    }

    // The same help as in every screen's header: hear again, volume, call staff.
    Row {
        anchors.top: parent.top
        anchors.topMargin: 24
        anchors.right: parent.right
        anchors.rightMargin: 24
        spacing: 16
        KButton {
            objectName: "hearAgainButton"
            visible: shell.voiceOn
            implicitHeight: 96
            minWidth: 200
            fill: "#ffffff"
            textColor: root.primary
            fontSize: 34
            text: qsTr("Hear again")
            onTapped: shell.hearAgain()
        }
        KButton {
            objectName: "volumeButton"
            visible: shell.voiceOn
            implicitHeight: 96
            minWidth: 200
            fill: "#ffffff"
            textColor: root.primary
            fontSize: 34
            text: shell.volume === "low" ? qsTr("Volume: low")
                : (shell.volume === "high" ? qsTr("Volume: high") : qsTr("Volume: medium"))
            onTapped: shell.louder()
        }
        CallStaffButton {}
    }

    Row {
        anchors.bottom: parent.bottom
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottomMargin: 56
        spacing: 32
        KButton {
            objectName: "languageButton"
            fill: "#ffffff"
            textColor: root.primary
            text: shell.language === "zh_CN" ? "English" : "中文"
            onTapped: attract.setLanguage(shell.language === "zh_CN" ? "en" : "zh_CN")
        }
        KButton {
            objectName: "largeTextButton"
            fill: attract.largeText ? "#f5c542" : "#ffffff"
            textColor: root.primary
            text: attract.largeText ? qsTr("Normal text") : qsTr("Large text")
            onTapped: attract.toggleLargeText()
        }
    }
}
