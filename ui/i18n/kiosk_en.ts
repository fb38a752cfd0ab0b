<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en_US">
<context>
    <name>AttractScreen</name>
    <message>
        <location filename="../qml/AttractScreen.qml" line="41" />
        <source>Self-service terminal</source>
        <translation>Self-service terminal</translation>
    </message>
    <message>
        <location filename="../qml/AttractScreen.qml" line="57" />
        <source>Tap to start</source>
        <translation>Tap to start</translation>
    </message>
    <message>
        <location filename="../qml/AttractScreen.qml" line="90" />
        <source>Normal text</source>
        <translation>Normal text</translation>
    </message>
    <message>
        <location filename="../qml/AttractScreen.qml" line="90" />
        <source>Large text</source>
        <translation>Large text</translation>
    </message>
    <message>
        <location filename="../qml/AttractScreen.qml" line="1" />
        <source>Hear again</source>
        <translation>Hear again</translation>
    </message>
    <message>
        <location filename="../qml/AttractScreen.qml" line="1" />
        <source>Volume: low</source>
        <translation>Volume: low</translation>
    </message>
    <message>
        <location filename="../qml/AttractScreen.qml" line="1" />
        <source>Volume: medium</source>
        <translation>Volume: medium</translation>
    </message>
    <message>
        <location filename="../qml/AttractScreen.qml" line="1" />
        <source>Volume: high</source>
        <translation>Volume: high</translation>
    </message>
</context>
<context>
    <name>FormCardScreen</name>
    <message>
        <location filename="../qml/FormCardScreen.qml" line="35" />
        <source>Place your ID card on the reader</source>
        <translation>Place your ID card on the reader</translation>
    </message>
    <message>
        <location filename="../qml/FormCardScreen.qml" line="40" />
        <source>A card is lying on the reader: please take it away, then place your own ID card</source>
        <translation>A card is lying on the reader: please take it away, then place your own ID card</translation>
    </message>
    <message>
        <location filename="../qml/FormCardScreen.qml" line="41" />
        <source>Reading your card: please do not move it</source>
        <translation>Reading your card: please do not move it</translation>
    </message>
    <message>
        <location filename="../qml/FormCardScreen.qml" line="42" />
        <source>The card could not be read: please lift it and place it again</source>
        <translation>The card could not be read: please lift it and place it again</translation>
    </message>
    <message>
        <location filename="../qml/FormCardScreen.qml" line="51" />
        <source>The terminal reads your details from the card</source>
        <translation>The terminal reads your details from the card</translation>
    </message>
</context>
<context>
    <name>FormChooseScreen</name>
    <message>
        <location filename="../qml/FormChooseScreen.qml" line="16" />
        <source>Choose a form</source>
        <translation>Choose a form</translation>
    </message>
</context>
<context>
    <name>FormCompleteScreen</name>
    <message>
        <location filename="../qml/FormCompleteScreen.qml" line="140" />
        <source>house number</source>
        <translation>house number</translation>
    </message>
    <message>
        <location filename="../qml/FormCompleteScreen.qml" line="30" />
        <source>Please fill in the remaining items</source>
        <translation>Please fill in the remaining items</translation>
    </message>
    <message>
        <location filename="../qml/FormCompleteScreen.qml" line="98" />
        <source>Next: check the form</source>
        <translation>Next: check the form</translation>
    </message>
    <message>
        <location filename="../qml/FormCompleteScreen.qml" line="122" />
        <source>  (tap to change)</source>
        <translation>  (tap to change)</translation>
    </message>
    <message>
        <location filename="../qml/FormCompleteScreen.qml" line="122" />
        <source>Choose the district and street</source>
        <translation>Choose the district and street</translation>
    </message>
    <message>
        <location filename="../qml/FormCompleteScreen.qml" line="135" />
        <source>First choose the district and street</source>
        <translation>First choose the district and street</translation>
    </message>
    <message>
        <location filename="../qml/FormCompleteScreen.qml" line="136" />
        <source>Type the street and number</source>
        <translation>Type the street and number</translation>
    </message>
    <message>
        <location filename="../qml/FormCompleteScreen.qml" line="136" />
        <source>Type the number, e.g. 1-2-301</source>
        <translation>Type the number, e.g. 1-2-301</translation>
    </message>
    <message>
        <location filename="../qml/FormCompleteScreen.qml" line="164" />
        <source>Choose a date</source>
        <translation>Choose a date</translation>
    </message>
</context>
<context>
    <name>FormConfirmScreen</name>
    <message>
        <location filename="../qml/FormConfirmScreen.qml" line="24" />
        <source>Please check the details from your ID card</source>
        <translation>Please check the details from your ID card</translation>
    </message>
    <message>
        <location filename="../qml/FormConfirmScreen.qml" line="25" />
        <source>These come from the card and cannot be changed here</source>
        <translation>These come from the card and cannot be changed here</translation>
    </message>
    <message>
        <location filename="../qml/FormConfirmScreen.qml" line="59" />
        <source>These are correct</source>
        <translation>These are correct</translation>
    </message>
</context>
<context>
    <name>FormPrintingScreen</name>
    <message>
        <location filename="../qml/FormPrintingScreen.qml" line="9" />
        <source>Printing your form…</source>
        <translation>Printing your form…</translation>
    </message>
</context>
<context>
    <name>FormResultScreen</name>
    <message>
        <location filename="../qml/FormResultScreen.qml" line="24" />
        <source>Please take your form and sign it at the counter</source>
        <translation>Please take your form and sign it at the counter</translation>
    </message>
    <message>
        <location filename="../qml/FormResultScreen.qml" line="24" />
        <source>The printer is not working, but your form was submitted</source>
        <translation>The printer is not working, but your form was submitted</translation>
    </message>
    <message>
        <location filename="../qml/FormResultScreen.qml" line="28" />
        <source>Receipt number</source>
        <translation>Receipt number</translation>
    </message>
    <message>
        <location filename="../qml/FormResultScreen.qml" line="40" />
        <source>Show this code at the counter</source>
        <translation>Show this code at the counter</translation>
    </message>
    <message>
        <location filename="../qml/FormResultScreen.qml" line="40" />
        <source>Please photograph this screen, or scan the code</source>
        <translation>Please photograph this screen, or scan the code</translation>
    </message>
    <message>
        <location filename="../qml/FormResultScreen.qml" line="52" />
        <source>Done (%1)</source>
        <translation>Done (%1)</translation>
    </message>
    <message>
        <location filename="../qml/FormResultScreen.qml" line="1" />
        <source>Please note your receipt number. Tap Call staff below and a member of staff will write it down for you.</source>
        <translation>Please note your receipt number. Tap Call staff below and a member of staff will write it down for you.</translation>
    </message>
    <message>
        <location filename="../qml/FormResultScreen.qml" line="30" />
        <source>Your form could not be saved: nothing was sent and nothing was printed</source>
        <translation>Your form could not be saved: nothing was sent and nothing was printed</translation>
    </message>
    <message>
        <location filename="../qml/FormResultScreen.qml" line="37" />
        <source>Please ask staff for help, or fill in a paper form at the counter.</source>
        <translation>Please ask staff for help, or fill in a paper form at the counter.</translation>
    </message>
    <message>
        <location filename="../qml/FormResultScreen.qml" line="47" />
        <source>Please take your ID card from the reader</source>
        <translation>Please take your ID card from the reader</translation>
    </message>
</context>
<context>
    <name>FormReviewScreen</name>
    <message>
        <location filename="../qml/FormReviewScreen.qml" line="24" />
        <source>Please check the form before it is printed</source>
        <translation>Please check the form before it is printed</translation>
    </message>
    <message>
        <location filename="../qml/FormReviewScreen.qml" line="44" />
        <source>Print the form</source>
        <translation>Print the form</translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <location filename="../qml/Header.qml" line="21" />
        <source>‹ Back</source>
        <translation>‹ Back</translation>
    </message>
    <message>
        <location filename="../qml/Header.qml" line="39" />
        <source>Exit</source>
        <translation>Exit</translation>
    </message>
    <message>
        <location filename="../qml/Header.qml" line="1" />
        <source>Hear again</source>
        <translation>Hear again</translation>
    </message>
    <message>
        <location filename="../qml/Header.qml" line="1" />
        <source>Volume: low</source>
        <translation>Volume: low</translation>
    </message>
    <message>
        <location filename="../qml/Header.qml" line="1" />
        <source>Volume: medium</source>
        <translation>Volume: medium</translation>
    </message>
    <message>
        <location filename="../qml/Header.qml" line="1" />
        <source>Volume: high</source>
        <translation>Volume: high</translation>
    </message>
</context>
<context>
    <name>IdleOverlay</name>
    <message>
        <location filename="../qml/IdleOverlay.qml" line="25" />
        <source>Are you still there?</source>
        <translation>Are you still there?</translation>
    </message>
    <message>
        <location filename="../qml/IdleOverlay.qml" line="34" />
        <source>For your privacy this session ends in %1 seconds.</source>
        <translation>For your privacy this session ends in %1 seconds.</translation>
    </message>
    <message>
        <location filename="../qml/IdleOverlay.qml" line="44" />
        <source>I'm still here</source>
        <translation>I'm still here</translation>
    </message>
</context>
<context>
    <name>MenuScreen</name>
    <message>
        <location filename="../qml/MenuScreen.qml" line="13" />
        <source>What would you like to do?</source>
        <translation>What would you like to do?</translation>
    </message>
    <message>
        <location filename="../qml/MenuScreen.qml" line="1" />
        <source>More below ▼</source>
        <translation>More below ▼</translation>
    </message>
    <message>
        <location filename="../qml/MenuScreen.qml" line="28" />
        <source>Not available right now: %1. Please ask at a service counter.</source>
        <translation>Not available right now: %1. Please ask at a service counter.</translation>
    </message>
</context>
<context>
    <name>PhotoBoothScreen</name>
    <message>
        <location filename="../qml/PhotoBoothScreen.qml" line="110" />
        <source>Back</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../qml/PhotoBoothScreen.qml" line="1" />
        <source>The countdown starts as soon as the picture is right.</source>
        <translation>The countdown starts as soon as the picture is right.</translation>
    </message>
    <message>
        <location filename="../qml/PhotoBoothScreen.qml" line="1" />
        <source>I'm ready</source>
        <translation>I'm ready</translation>
    </message>
</context>
<context>
    <name>PhotoHelpScreen</name>
    <message>
        <location filename="../qml/PhotoHelpScreen.qml" line="27" />
        <source>Please ask a member of staff for help</source>
        <translation>Please ask a member of staff for help</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/PhotoHelpScreen.qml" line="37" />
        <source>We tried %n times without a photo that meets the rules. Please wait here.</source>
        <translation>
            <numerusform>We tried %n time without a photo that meets the rules. Please wait here.</numerusform>
            <numerusform>We tried %n times without a photo that meets the rules. Please wait here.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../qml/PhotoHelpScreen.qml" line="53" />
        <source>Try again</source>
        <translation>Try again</translation>
    </message>
    <message>
        <location filename="../qml/PhotoHelpScreen.qml" line="60" />
        <source>Finish</source>
        <translation>Finish</translation>
    </message>
</context>
<context>
    <name>PhotoResultScreen</name>
    <message>
        <location filename="../qml/PhotoResultScreen.qml" line="38" />
        <source>Your photo meets the requirements</source>
        <translation>Your photo meets the requirements</translation>
    </message>
    <message>
        <location filename="../qml/PhotoResultScreen.qml" line="62" />
        <source>Retake</source>
        <translation>Retake</translation>
    </message>
    <message>
        <location filename="../qml/PhotoResultScreen.qml" line="1" />
        <source>If you do not tap OK within %1 s, this photo will not be kept.</source>
        <translation>If you do not tap OK within %1 s, this photo will not be kept.</translation>
    </message>
    <message>
        <location filename="../qml/PhotoResultScreen.qml" line="1" />
        <source>OK, use this photo</source>
        <translation>OK, use this photo</translation>
    </message>
</context>
<context>
    <name>PhotoSavedScreen</name>
    <message>
        <location filename="../qml/PhotoSavedScreen.qml" line="31" />
        <source>Your photo is saved</source>
        <translation>Your photo is saved</translation>
    </message>
    <message>
        <location filename="../qml/PhotoSavedScreen.qml" line="31" />
        <source>Your photo could not be saved. Please ask staff.</source>
        <translation>Your photo could not be saved. Please ask staff.</translation>
    </message>
    <message>
        <location filename="../qml/PhotoSavedScreen.qml" line="40" />
        <source>At the counter, give this receipt number. Your photo goes with your application.</source>
        <translation>At the counter, give this receipt number. Your photo goes with your application.</translation>
    </message>
    <message>
        <location filename="../qml/PhotoSavedScreen.qml" line="73" />
        <source>Done (%1)</source>
        <translation>Done (%1)</translation>
    </message>
    <message>
        <location filename="../qml/PhotoSavedScreen.qml" line="1" />
        <source>Your photo is saved, but the receipt did not print</source>
        <translation>Your photo is saved, but the receipt did not print</translation>
    </message>
    <message>
        <location filename="../qml/PhotoSavedScreen.qml" line="1" />
        <source>Please take your printed receipt. Show it at the counter: your photo goes with your application.</source>
        <translation>Please take your printed receipt. Show it at the counter: your photo goes with your application.</translation>
    </message>
    <message>
        <location filename="../qml/PhotoSavedScreen.qml" line="1" />
        <source>Please write down this receipt number, or ask staff to write it down for you. Give it at the counter: your photo goes with your application.</source>
        <translation>Please write down this receipt number, or ask staff to write it down for you. Give it at the counter: your photo goes with your application.</translation>
    </message>
</context>
<context>
    <name>TechPanelScreen</name>
    <message>
        <location filename="../qml/TechPanelScreen.qml" line="15" />
        <source>Diagnostics</source>
        <translation>Diagnostics</translation>
    </message>
    <message>
        <location filename="../qml/TechPanelScreen.qml" line="25" />
        <source>Exit</source>
        <translation>Exit</translation>
    </message>
    <message>
        <location filename="../qml/TechPanelScreen.qml" line="76" />
        <source>Test</source>
        <translation>Test</translation>
    </message>
    <message>
        <location filename="../qml/TechPanelScreen.qml" line="1" />
        <source>More below ▼</source>
        <translation>More below ▼</translation>
    </message>
</context>
<context>
    <name>TechPinScreen</name>
    <message>
        <location filename="../qml/TechPinScreen.qml" line="35" />
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../qml/TechPinScreen.qml" line="45" />
        <source>Exit</source>
        <translation>Exit</translation>
    </message>
</context>
<context>
    <name>TicketPrintingScreen</name>
    <message>
        <location filename="../qml/TicketPrintingScreen.qml" line="26" />
        <source>Printing your ticket…</source>
        <translation>Printing your ticket…</translation>
    </message>
</context>
<context>
    <name>TicketResultScreen</name>
    <message>
        <location filename="../qml/TicketResultScreen.qml" line="32" />
        <source>Please take your ticket</source>
        <translation>Please take your ticket</translation>
    </message>
    <message>
        <location filename="../qml/TicketResultScreen.qml" line="32" />
        <source>The printer is not working, but your number is valid</source>
        <translation>The printer is not working, but your number is valid</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/TicketResultScreen.qml" line="48" />
        <source>%n people ahead of you</source>
        <translation>
            <numerusform>%n person ahead of you</numerusform>
            <numerusform>%n people ahead of you</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../qml/TicketResultScreen.qml" line="51" />
        <source>Issued at %1</source>
        <translation>Issued at %1</translation>
    </message>
    <message>
        <location filename="../qml/TicketResultScreen.qml" line="69" />
        <source>Scan to follow the queue on your phone</source>
        <translation>Scan to follow the queue on your phone</translation>
    </message>
    <message>
        <location filename="../qml/TicketResultScreen.qml" line="69" />
        <source>Please photograph this screen, or scan the code</source>
        <translation>Please photograph this screen, or scan the code</translation>
    </message>
    <message>
        <location filename="../qml/TicketResultScreen.qml" line="83" />
        <source>Done (%1)</source>
        <translation>Done (%1)</translation>
    </message>
    <message>
        <location filename="../qml/TicketResultScreen.qml" line="1" />
        <source>Please note your number. Tap Call staff below and a member of staff will write it down for you.</source>
        <translation>Please note your number. Tap Call staff below and a member of staff will write it down for you.</translation>
    </message>
    <message>
        <location filename="../qml/TicketResultScreen.qml" line="1" />
        <source>Staff can scan this code to check your number</source>
        <translation>Staff can scan this code to check your number</translation>
    </message>
</context>
<context>
    <name>TicketServicesScreen</name>
    <message>
        <location filename="../qml/TicketServicesScreen.qml" line="17" />
        <source>Choose a service</source>
        <translation>Choose a service</translation>
    </message>
</context>
<context>
    <name>IdentityConsentScreen</name>
    <message>
        <location filename="../qml/IdentityConsentScreen.qml" line="19" />
        <source>Before we check your identity</source>
        <translation>Before we check your identity</translation>
    </message>
    <message>
        <location filename="../qml/IdentityConsentScreen.qml" line="45" />
        <source>No, check me at a counter</source>
        <translation>No, check me at a counter</translation>
    </message>
    <message>
        <location filename="../qml/IdentityConsentScreen.qml" line="52" />
        <source>I agree</source>
        <translation>I agree</translation>
    </message>
</context>
<context>
    <name>IdentityCounterScreen</name>
    <message>
        <location filename="../qml/IdentityCounterScreen.qml" line="14" />
        <source>No face recognition: please go to a counter</source>
        <translation>No face recognition: please go to a counter</translation>
    </message>
    <message>
        <location filename="../qml/IdentityCounterScreen.qml" line="19" />
        <source>Bring your original ID card, passport or permit. Staff check it with you in person. Nothing was collected here.</source>
        <translation>Bring your original ID card, passport or permit. Staff check it with you in person. Nothing was collected here.</translation>
    </message>
    <message>
        <location filename="../qml/IdentityCounterScreen.qml" line="29" />
        <source>Done (%1)</source>
        <translation>Done (%1)</translation>
    </message>
</context>
<context>
    <name>IdentityDocumentScreen</name>
    <message>
        <location filename="../qml/IdentityDocumentScreen.qml" line="36" />
        <source>A card is lying on the reader: please take it away, then place your own document</source>
        <translation>A card is lying on the reader: please take it away, then place your own document</translation>
    </message>
    <message>
        <location filename="../qml/IdentityDocumentScreen.qml" line="36" />
        <source>The document could not be read: please lift it and place it again</source>
        <translation>The document could not be read: please lift it and place it again</translation>
    </message>
    <message>
        <location filename="../qml/IdentityDocumentScreen.qml" line="36" />
        <source>Reading your document, please keep it on the reader</source>
        <translation>Reading your document, please keep it on the reader</translation>
    </message>
    <message>
        <location filename="../qml/IdentityDocumentScreen.qml" line="32" />
        <source>Place your passport or permit, photo page down, on the reader</source>
        <translation>Place your passport or permit, photo page down, on the reader</translation>
    </message>
    <message>
        <location filename="../qml/IdentityDocumentScreen.qml" line="32" />
        <source>Place your ID card on the reader</source>
        <translation>Place your ID card on the reader</translation>
    </message>
    <message>
        <location filename="../qml/IdentityDocumentScreen.qml" line="40" />
        <source>The photo stored in the document is compared with your face</source>
        <translation>The photo stored in the document is compared with your face</translation>
    </message>
    <message>
        <location filename="../qml/IdentityDocumentScreen.qml" line="50" />
        <source>I have a passport or permit</source>
        <translation>I have a passport or permit</translation>
    </message>
</context>
<context>
    <name>IdentityLiveScreen</name>
    <message>
        <location filename="../qml/IdentityLiveScreen.qml" line="76" />
        <source>Action %1</source>
        <translation>Action %1</translation>
    </message>
    <message>
        <location filename="../qml/IdentityLiveScreen.qml" line="82" />
        <source>%1 s left</source>
        <translation>%1 s left</translation>
    </message>
</context>
<context>
    <name>IdentityMrzScreen</name>
    <message>
        <location filename="../qml/IdentityMrzScreen.qml" line="23" />
        <source>Type these from the photo page of your passport or permit</source>
        <translation>Type these from the photo page of your passport or permit</translation>
    </message>
    <message>
        <location filename="../qml/IdentityMrzScreen.qml" line="28" />
        <source>Document number</source>
        <translation>Document number</translation>
    </message>
    <message>
        <location filename="../qml/IdentityMrzScreen.qml" line="29" />
        <source>Date of birth (YYMMDD)</source>
        <translation>Date of birth (YYMMDD)</translation>
    </message>
    <message>
        <location filename="../qml/IdentityMrzScreen.qml" line="30" />
        <source>Date of expiry (YYMMDD)</source>
        <translation>Date of expiry (YYMMDD)</translation>
    </message>
    <message>
        <location filename="../qml/IdentityMrzScreen.qml" line="59" />
        <source>Please check the field marked in red</source>
        <translation>Please check the field marked in red</translation>
    </message>
    <message>
        <location filename="../qml/IdentityMrzScreen.qml" line="67" />
        <source>Next: read the chip</source>
        <translation>Next: read the chip</translation>
    </message>
</context>
<context>
    <name>IdentityResultScreen</name>
    <message>
        <location filename="../qml/IdentityResultScreen.qml" line="43" />
        <source>Receipt number</source>
        <translation>Receipt number</translation>
    </message>
    <message>
        <location filename="../qml/IdentityResultScreen.qml" line="70" />
        <source>Done (%1)</source>
        <translation>Done (%1)</translation>
    </message>
</context>
<context>
    <name>CallStaffButton</name>
    <message>
        <location filename="../qml/CallStaffButton.qml" line="1" />
        <source>Call staff</source>
        <translation>Call staff</translation>
    </message>
    <message>
        <location filename="../qml/CallStaffButton.qml" line="1" />
        <source>Staff called</source>
        <translation>Staff called</translation>
    </message>
    <message>
        <location filename="../qml/CallStaffButton.qml" line="1" />
        <source>Staff coming</source>
        <translation>Staff coming</translation>
    </message>
</context>
<context>
    <name>StaffCallBanner</name>
    <message>
        <location filename="../qml/StaffCallBanner.qml" line="1" />
        <source>Calling a member of staff…</source>
        <translation>Calling a member of staff…</translation>
    </message>
    <message>
        <location filename="../qml/StaffCallBanner.qml" line="1" />
        <source>The staff have been told. Please wait here.</source>
        <translation>The staff have been told. Please wait here.</translation>
    </message>
    <message>
        <location filename="../qml/StaffCallBanner.qml" line="1" />
        <source>A member of staff is on the way. Please wait here.</source>
        <translation>A member of staff is on the way. Please wait here.</translation>
    </message>
    <message>
        <location filename="../qml/StaffCallBanner.qml" line="1" />
        <source>We could not reach the staff. Please ask at the help desk.</source>
        <translation>We could not reach the staff. Please ask at the help desk.</translation>
    </message>
    <message>
        <location filename="../qml/StaffCallBanner.qml" line="1" />
        <source>Your information stays on this screen while you wait.</source>
        <translation>Your information stays on this screen while you wait.</translation>
    </message>
    <message>
        <location filename="../qml/StaffCallBanner.qml" line="1" />
        <source>OK</source>
        <translation>OK</translation>
    </message>
</context>
<context>
    <name>PhotoChooseScreen</name>
    <message>
        <location filename="../qml/PhotoChooseScreen.qml" line="1" />
        <source>Which photo do you need?</source>
        <translation>Which photo do you need?</translation>
    </message>
</context>
<context>
    <name>FormAddressPicker</name>
    <message>
        <location filename="../qml/FormAddressPicker.qml" line="22" />
        <source>%1: choose the district</source>
        <translation>%1: choose the district</translation>
    </message>
    <message>
        <location filename="../qml/FormAddressPicker.qml" line="23" />
        <source>%1: choose the street in %2</source>
        <translation>%1: choose the street in %2</translation>
    </message>
    <message>
        <location filename="../qml/FormAddressPicker.qml" line="69" />
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../qml/FormAddressPicker.qml" line="69" />
        <source>‹ Other district</source>
        <translation>‹ Other district</translation>
    </message>
    <message>
        <location filename="../qml/FormAddressPicker.qml" line="76" />
        <source>My street is not listed: I will type it</source>
        <translation>My street is not listed: I will type it</translation>
    </message>
</context>
<context>
    <name>FormDatePicker</name>
    <message>
        <location filename="../qml/FormDatePicker.qml" line="34" />
        <source>Year</source>
        <translation>Year</translation>
    </message>
    <message>
        <location filename="../qml/FormDatePicker.qml" line="35" />
        <source>Month</source>
        <translation>Month</translation>
    </message>
    <message>
        <location filename="../qml/FormDatePicker.qml" line="36" />
        <source>Day</source>
        <translation>Day</translation>
    </message>
    <message>
        <location filename="../qml/FormDatePicker.qml" line="63" />
        <source>Leave it empty</source>
        <translation>Leave it empty</translation>
    </message>
    <message>
        <location filename="../qml/FormDatePicker.qml" line="69" />
        <source>Use this date</source>
        <translation>Use this date</translation>
    </message>
</context>
<context>
    <name>FormExitConfirm</name>
    <message>
        <location filename="../qml/FormExitConfirm.qml" line="27" />
        <source>Exit and clear this form?</source>
        <translation>Exit and clear this form?</translation>
    </message>
    <message>
        <location filename="../qml/FormExitConfirm.qml" line="43" />
        <source>Keep filling in</source>
        <translation>Keep filling in</translation>
    </message>
    <message>
        <location filename="../qml/FormExitConfirm.qml" line="49" />
        <source>Exit and clear</source>
        <translation>Exit and clear</translation>
    </message>
</context>
<context>
    <name>FormScrollCue</name>
    <message>
        <location filename="../qml/FormScrollCue.qml" line="25" />
        <source>▼ More below: slide up or tap here</source>
        <translation>▼ More below: slide up or tap here</translation>
    </message>
</context>
<context>
    <name>FormUnavailableScreen</name>
    <message>
        <location filename="../qml/FormUnavailableScreen.qml" line="20" />
        <source>Forms cannot be filled in at this terminal right now</source>
        <translation>Forms cannot be filled in at this terminal right now</translation>
    </message>
    <message>
        <location filename="../qml/FormUnavailableScreen.qml" line="25" />
        <source>It cannot keep your form safely at the moment. Please ask staff, or use a counter.</source>
        <translation>It cannot keep your form safely at the moment. Please ask staff, or use a counter.</translation>
    </message>
    <message>
        <location filename="../qml/FormUnavailableScreen.qml" line="32" />
        <source>Back to the menu</source>
        <translation>Back to the menu</translation>
    </message>
</context>
</TS>