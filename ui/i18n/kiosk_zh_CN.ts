<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AttractScreen</name>
    <message>
        <location filename="../qml/AttractScreen.qml" line="41" />
        <source>Self-service terminal</source>
        <translation>政务服务自助终端</translation>
    </message>
    <message>
        <location filename="../qml/AttractScreen.qml" line="57" />
        <source>Tap to start</source>
        <translation>点击开始</translation>
    </message>
    <message>
        <location filename="../qml/AttractScreen.qml" line="90" />
        <source>Normal text</source>
        <translation>标准字体</translation>
    </message>
    <message>
        <location filename="../qml/AttractScreen.qml" line="90" />
        <source>Large text</source>
        <translation>大字模式</translation>
    </message>
    <message>
        <location filename="../qml/AttractScreen.qml" line="1" />
        <source>Hear again</source>
        <translation>再听一遍</translation>
    </message>
    <message>
        <location filename="../qml/AttractScreen.qml" line="1" />
        <source>Volume: low</source>
        <translation>音量：小</translation>
    </message>
    <message>
        <location filename="../qml/AttractScreen.qml" line="1" />
        <source>Volume: medium</source>
        <translation>音量：中</translation>
    </message>
    <message>
        <location filename="../qml/AttractScreen.qml" line="1" />
        <source>Volume: high</source>
        <translation>音量：大</translation>
    </message>
</context>
<context>
    <name>FormCardScreen</name>
    <message>
        <location filename="../qml/FormCardScreen.qml" line="35" />
        <source>Place your ID card on the reader</source>
        <translation>请将身份证放在读卡区</translation>
    </message>
    <message>
        <location filename="../qml/FormCardScreen.qml" line="40" />
        <source>A card is lying on the reader: please take it away, then place your own ID card</source>
        <translation>读卡区上已有一张卡，请先拿走，再放上您的身份证</translation>
    </message>
    <message>
        <location filename="../qml/FormCardScreen.qml" line="41" />
        <source>Reading your card: please do not move it</source>
        <translation>正在读取，请不要移动身份证</translation>
    </message>
    <message>
        <location filename="../qml/FormCardScreen.qml" line="42" />
        <source>The card could not be read: please lift it and place it again</source>
        <translation>没有读到身份证，请拿起后重新放好</translation>
    </message>
    <message>
        <location filename="../qml/FormCardScreen.qml" line="51" />
        <source>The terminal reads your details from the card</source>
        <translation>系统将自动读取身份证信息</translation>
    </message>
</context>
<context>
    <name>FormChooseScreen</name>
    <message>
        <location filename="../qml/FormChooseScreen.qml" line="16" />
        <source>Choose a form</source>
        <translation>请选择表格</translation>
    </message>
</context>
<context>
    <name>FormCompleteScreen</name>
    <message>
        <location filename="../qml/FormCompleteScreen.qml" line="140" />
        <source>house number</source>
        <translation>门牌号</translation>
    </message>
    <message>
        <location filename="../qml/FormCompleteScreen.qml" line="30" />
        <source>Please fill in the remaining items</source>
        <translation>请填写其余内容</translation>
    </message>
    <message>
        <location filename="../qml/FormCompleteScreen.qml" line="98" />
        <source>Next: check the form</source>
        <translation>下一步：检查表格</translation>
    </message>
    <message>
        <location filename="../qml/FormCompleteScreen.qml" line="122" />
        <source>  (tap to change)</source>
        <translation>（点击可修改）</translation>
    </message>
    <message>
        <location filename="../qml/FormCompleteScreen.qml" line="122" />
        <source>Choose the district and street</source>
        <translation>选择区和街道</translation>
    </message>
    <message>
        <location filename="../qml/FormCompleteScreen.qml" line="135" />
        <source>First choose the district and street</source>
        <translation>请先选择区和街道</translation>
    </message>
    <message>
        <location filename="../qml/FormCompleteScreen.qml" line="136" />
        <source>Type the street and number</source>
        <translation>填写街道和门牌号</translation>
    </message>
    <message>
        <location filename="../qml/FormCompleteScreen.qml" line="136" />
        <source>Type the number, e.g. 1-2-301</source>
        <translation>填写门牌号，例如 1号2栋301</translation>
    </message>
    <message>
        <location filename="../qml/FormCompleteScreen.qml" line="164" />
        <source>Choose a date</source>
        <translation>选择日期</translation>
    </message>
</context>
<context>
    <name>FormConfirmScreen</name>
    <message>
        <location filename="../qml/FormConfirmScreen.qml" line="24" />
        <source>Please check the details from your ID card</source>
        <translation>请核对身份证上的信息</translation>
    </message>
    <message>
        <location filename="../qml/FormConfirmScreen.qml" line="25" />
        <source>These come from the card and cannot be changed here</source>
        <translation>以下信息来自身份证，不能在此修改</translation>
    </message>
    <message>
        <location filename="../qml/FormConfirmScreen.qml" line="59" />
        <source>These are correct</source>
        <translation>信息无误，继续</translation>
    </message>
</context>
<context>
    <name>FormPrintingScreen</name>
    <message>
        <location filename="../qml/FormPrintingScreen.qml" line="9" />
        <source>Printing your form…</source>
        <translation>正在打印表格…</translation>
    </message>
</context>
<context>
    <name>FormResultScreen</name>
    <message>
        <location filename="../qml/FormResultScreen.qml" line="24" />
        <source>Please take your form and sign it at the counter</source>
        <translation>请取走表格，到窗口签名</translation>
    </message>
    <message>
        <location filename="../qml/FormResultScreen.qml" line="24" />
        <source>The printer is not working, but your form was submitted</source>
        <translation>打印机暂时故障，但您的表格已提交</translation>
    </message>
    <message>
        <location filename="../qml/FormResultScreen.qml" line="28" />
        <source>Receipt number</source>
        <translation>回执号</translation>
    </message>
    <message>
        <location filename="../qml/FormResultScreen.qml" line="40" />
        <source>Show this code at the counter</source>
        <translation>在窗口出示此码</translation>
    </message>
    <message>
        <location filename="../qml/FormResultScreen.qml" line="40" />
        <source>Please photograph this screen, or scan the code</source>
        <translation>请拍下屏幕，或扫描二维码</translation>
    </message>
    <message>
        <location filename="../qml/FormResultScreen.qml" line="52" />
        <source>Done (%1)</source>
        <translation>完成（%1）</translation>
    </message>
    <message>
        <location filename="../qml/FormResultScreen.qml" line="1" />
        <source>Please note your receipt number. Tap Call staff below and a member of staff will write it down for you.</source>
        <translation>请记下回执号。点下方的“呼叫工作人员”，工作人员会帮您记下。</translation>
    </message>
    <message>
        <location filename="../qml/FormResultScreen.qml" line="30" />
        <source>Your form could not be saved: nothing was sent and nothing was printed</source>
        <translation>表格未能保存：没有提交，也没有打印</translation>
    </message>
    <message>
        <location filename="../qml/FormResultScreen.qml" line="37" />
        <source>Please ask staff for help, or fill in a paper form at the counter.</source>
        <translation>请联系工作人员，或到窗口填写纸质表格。</translation>
    </message>
    <message>
        <location filename="../qml/FormResultScreen.qml" line="47" />
        <source>Please take your ID card from the reader</source>
        <translation>请取走读卡区上的身份证</translation>
    </message>
</context>
<context>
    <name>FormReviewScreen</name>
    <message>
        <location filename="../qml/FormReviewScreen.qml" line="24" />
        <source>Please check the form before it is printed</source>
        <translation>打印前请检查表格内容</translation>
    </message>
    <message>
        <location filename="../qml/FormReviewScreen.qml" line="44" />
        <source>Print the form</source>
        <translation>打印表格</translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <location filename="../qml/Header.qml" line="21" />
        <source>‹ Back</source>
        <translation>‹ 返回</translation>
    </message>
    <message>
        <location filename="../qml/Header.qml" line="39" />
        <source>Exit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../qml/Header.qml" line="1" />
        <source>Hear again</source>
        <translation>再听一遍</translation>
    </message>
    <message>
        <location filename="../qml/Header.qml" line="1" />
        <source>Volume: low</source>
        <translation>音量：小</translation>
    </message>
    <message>
        <location filename="../qml/Header.qml" line="1" />
        <source>Volume: medium</source>
        <translation>音量：中</translation>
    </message>
    <message>
        <location filename="../qml/Header.qml" line="1" />
        <source>Volume: high</source>
        <translation>音量：大</translation>
    </message>
</context>
<context>
    <name>IdleOverlay</name>
    <message>
        <location filename="../qml/IdleOverlay.qml" line="25" />
        <source>Are you still there?</source>
        <translation>您还在吗？</translation>
    </message>
    <message>
        <location filename="../qml/IdleOverlay.qml" line="34" />
        <source>For your privacy this session ends in %1 seconds.</source>
        <translation>为保护您的隐私，本次服务将在 %1 秒后结束。</translation>
    </message>
    <message>
        <location filename="../qml/IdleOverlay.qml" line="44" />
        <source>I'm still here</source>
        <translation>我还在，继续办理</translation>
    </message>
</context>
<context>
    <name>MenuScreen</name>
    <message>
        <location filename="../qml/MenuScreen.qml" line="13" />
        <source>What would you like to do?</source>
        <translation>请选择您要办理的事项</translation>
    </message>
    <message>
        <location filename="../qml/MenuScreen.qml" line="1" />
        <source>More below ▼</source>
        <translation>下面还有 ▼</translation>
    </message>
    <message>
        <location filename="../qml/MenuScreen.qml" line="28" />
        <source>Not available right now: %1. Please ask at a service counter.</source>
        <translation>暂停服务：%1。请到人工窗口办理。</translation>
    </message>
</context>
<context>
    <name>PhotoBoothScreen</name>
    <message>
        <location filename="../qml/PhotoBoothScreen.qml" line="110" />
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <location filename="../qml/PhotoBoothScreen.qml" line="1" />
        <source>The countdown starts as soon as the picture is right.</source>
        <translation>画面调整好后，会自动开始倒计时。</translation>
    </message>
    <message>
        <location filename="../qml/PhotoBoothScreen.qml" line="1" />
        <source>I'm ready</source>
        <translation>准备好了</translation>
    </message>
</context>
<context>
    <name>PhotoHelpScreen</name>
    <message>
        <location filename="../qml/PhotoHelpScreen.qml" line="27" />
        <source>Please ask a member of staff for help</source>
        <translation>请联系工作人员帮助您</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/PhotoHelpScreen.qml" line="37" />
        <source>We tried %n times without a photo that meets the rules. Please wait here.</source>
        <translation>
            <numerusform>已拍摄 %n 次仍未得到合格照片，请在此稍候。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../qml/PhotoHelpScreen.qml" line="53" />
        <source>Try again</source>
        <translation>再试一次</translation>
    </message>
    <message>
        <location filename="../qml/PhotoHelpScreen.qml" line="60" />
        <source>Finish</source>
        <translation>结束</translation>
    </message>
</context>
<context>
    <name>PhotoResultScreen</name>
    <message>
        <location filename="../qml/PhotoResultScreen.qml" line="38" />
        <source>Your photo meets the requirements</source>
        <translation>照片符合要求</translation>
    </message>
    <message>
        <location filename="../qml/PhotoResultScreen.qml" line="62" />
        <source>Retake</source>
        <translation>重拍</translation>
    </message>
    <message>
        <location filename="../qml/PhotoResultScreen.qml" line="1" />
        <source>If you do not tap OK within %1 s, this photo will not be kept.</source>
        <translation>%1 秒内不点“确定”，这张照片将不会保存。</translation>
    </message>
    <message>
        <location filename="../qml/PhotoResultScreen.qml" line="1" />
        <source>OK, use this photo</source>
        <translation>确定，使用这张照片</translation>
    </message>
</context>
<context>
    <name>PhotoSavedScreen</name>
    <message>
        <location filename="../qml/PhotoSavedScreen.qml" line="31" />
        <source>Your photo is saved</source>
        <translation>照片已保存</translation>
    </message>
    <message>
        <location filename="../qml/PhotoSavedScreen.qml" line="31" />
        <source>Your photo could not be saved. Please ask staff.</source>
        <translation>照片未能保存，请联系工作人员。</translation>
    </message>
    <message>
        <location filename="../qml/PhotoSavedScreen.qml" line="40" />
        <source>At the counter, give this receipt number. Your photo goes with your application.</source>
        <translation>办理业务时请向窗口出示此回执号，照片将随您的申请一起提交。</translation>
    </message>
    <message>
        <location filename="../qml/PhotoSavedScreen.qml" line="73" />
        <source>Done (%1)</source>
        <translation>完成（%1）</translation>
    </message>
    <message>
        <location filename="../qml/PhotoSavedScreen.qml" line="1" />
        <source>Your photo is saved, but the receipt did not print</source>
        <translation>照片已保存，但回执没有打印出来</translation>
    </message>
    <message>
        <location filename="../qml/PhotoSavedScreen.qml" line="1" />
        <source>Please take your printed receipt. Show it at the counter: your photo goes with your application.</source>
        <translation>请取走打印的回执。办理业务时请向窗口出示，照片将随您的申请一起提交。</translation>
    </message>
    <message>
        <location filename="../qml/PhotoSavedScreen.qml" line="1" />
        <source>Please write down this receipt number, or ask staff to write it down for you. Give it at the counter: your photo goes with your application.</source>
        <translation>请记下这个回执号，或请工作人员帮您记下。办理业务时请向窗口出示，照片将随您的申请一起提交。</translation>
    </message>
</context>
<context>
    <name>TechPanelScreen</name>
    <message>
        <location filename="../qml/TechPanelScreen.qml" line="15" />
        <source>Diagnostics</source>
        <translation>设备诊断</translation>
    </message>
    <message>
        <location filename="../qml/TechPanelScreen.qml" line="25" />
        <source>Exit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../qml/TechPanelScreen.qml" line="76" />
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <location filename="../qml/TechPanelScreen.qml" line="1" />
        <source>More below ▼</source>
        <translation>下面还有 ▼</translation>
    </message>
</context>
<context>
    <name>TechPinScreen</name>
    <message>
        <location filename="../qml/TechPinScreen.qml" line="35" />
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <location filename="../qml/TechPinScreen.qml" line="45" />
        <source>Exit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>TicketPrintingScreen</name>
    <message>
        <location filename="../qml/TicketPrintingScreen.qml" line="26" />
        <source>Printing your ticket…</source>
        <translation>正在打印排队票，请稍候…</translation>
    </message>
</context>
<context>
    <name>TicketResultScreen</name>
    <message>
        <location filename="../qml/TicketResultScreen.qml" line="32" />
        <source>Please take your ticket</source>
        <translation>请取走您的排队票</translation>
    </message>
    <message>
        <location filename="../qml/TicketResultScreen.qml" line="32" />
        <source>The printer is not working, but your number is valid</source>
        <translation>打印机暂时故障，但您的号码有效</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/TicketResultScreen.qml" line="48" />
        <source>%n people ahead of you</source>
        <translation>
            <numerusform>您前面还有 %n 人</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../qml/TicketResultScreen.qml" line="51" />
        <source>Issued at %1</source>
        <translation>取号时间 %1</translation>
    </message>
    <message>
        <location filename="../qml/TicketResultScreen.qml" line="69" />
        <source>Scan to follow the queue on your phone</source>
        <translation>扫码在手机上查看排队进度</translation>
    </message>
    <message>
        <location filename="../qml/TicketResultScreen.qml" line="69" />
        <source>Please photograph this screen, or scan the code</source>
        <translation>请拍下本屏幕，或扫描二维码</translation>
    </message>
    <message>
        <location filename="../qml/TicketResultScreen.qml" line="83" />
        <source>Done (%1)</source>
        <translation>完成（%1）</translation>
    </message>
    <message>
        <location filename="../qml/TicketResultScreen.qml" line="1" />
        <source>Please note your number. Tap Call staff below and a member of staff will write it down for you.</source>
        <translation>请记下您的号码。点下方的“呼叫工作人员”，工作人员会帮您记下。</translation>
    </message>
    <message>
        <location filename="../qml/TicketResultScreen.qml" line="1" />
        <source>Staff can scan this code to check your number</source>
        <translation>工作人员可扫此码核对您的号码</translation>
    </message>
</context>
<context>
    <name>TicketServicesScreen</name>
    <message>
        <location filename="../qml/TicketServicesScreen.qml" line="17" />
        <source>Choose a service</source>
        <translation>请选择业务类型</translation>
    </message>
</context>
<context>
    <name>IdentityConsentScreen</name>
    <message>
        <location filename="../qml/IdentityConsentScreen.qml" line="19" />
        <source>Before we check your identity</source>
        <translation>核验身份之前，请您了解</translation>
    </message>
    <message>
        <location filename="../qml/IdentityConsentScreen.qml" line="45" />
        <source>No, check me at a counter</source>
        <translation>不同意，到人工窗口核验</translation>
    </message>
    <message>
        <location filename="../qml/IdentityConsentScreen.qml" line="52" />
        <source>I agree</source>
        <translation>我同意</translation>
    </message>
</context>
<context>
    <name>IdentityCounterScreen</name>
    <message>
        <location filename="../qml/IdentityCounterScreen.qml" line="14" />
        <source>No face recognition: please go to a counter</source>
        <translation>不使用人脸识别：请到人工窗口办理</translation>
    </message>
    <message>
        <location filename="../qml/IdentityCounterScreen.qml" line="19" />
        <source>Bring your original ID card, passport or permit. Staff check it with you in person. Nothing was collected here.</source>
        <translation>请携带身份证、护照或通行证原件，由工作人员当面核验。本机没有采集任何信息。</translation>
    </message>
    <message>
        <location filename="../qml/IdentityCounterScreen.qml" line="29" />
        <source>Done (%1)</source>
        <translation>完成（%1）</translation>
    </message>
</context>
<context>
    <name>IdentityDocumentScreen</name>
    <message>
        <location filename="../qml/IdentityDocumentScreen.qml" line="36" />
        <source>A card is lying on the reader: please take it away, then place your own document</source>
        <translation>读卡区上有一张证件，请先拿走，再放上您本人的证件</translation>
    </message>
    <message>
        <location filename="../qml/IdentityDocumentScreen.qml" line="36" />
        <source>The document could not be read: please lift it and place it again</source>
        <translation>没有读到证件，请拿起后重新放好</translation>
    </message>
    <message>
        <location filename="../qml/IdentityDocumentScreen.qml" line="36" />
        <source>Reading your document, please keep it on the reader</source>
        <translation>正在读取证件，请不要拿走</translation>
    </message>
    <message>
        <location filename="../qml/IdentityDocumentScreen.qml" line="32" />
        <source>Place your passport or permit, photo page down, on the reader</source>
        <translation>请将护照或通行证照片页朝下放在读卡区</translation>
    </message>
    <message>
        <location filename="../qml/IdentityDocumentScreen.qml" line="32" />
        <source>Place your ID card on the reader</source>
        <translation>请将身份证放在读卡区</translation>
    </message>
    <message>
        <location filename="../qml/IdentityDocumentScreen.qml" line="40" />
        <source>The photo stored in the document is compared with your face</source>
        <translation>证件芯片中的照片将与您的人脸比对</translation>
    </message>
    <message>
        <location filename="../qml/IdentityDocumentScreen.qml" line="50" />
        <source>I have a passport or permit</source>
        <translation>我使用护照或通行证</translation>
    </message>
</context>
<context>
    <name>IdentityLiveScreen</name>
    <message>
        <location filename="../qml/IdentityLiveScreen.qml" line="76" />
        <source>Action %1</source>
        <translation>动作 %1</translation>
    </message>
    <message>
        <location filename="../qml/IdentityLiveScreen.qml" line="82" />
        <source>%1 s left</source>
        <translation>还剩 %1 秒</translation>
    </message>
</context>
<context>
    <name>IdentityMrzScreen</name>
    <message>
        <location filename="../qml/IdentityMrzScreen.qml" line="23" />
        <source>Type these from the photo page of your passport or permit</source>
        <translation>请按护照或通行证照片页填写以下信息</translation>
    </message>
    <message>
        <location filename="../qml/IdentityMrzScreen.qml" line="28" />
        <source>Document number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <location filename="../qml/IdentityMrzScreen.qml" line="29" />
        <source>Date of birth (YYMMDD)</source>
        <translation>出生日期（年年月月日日）</translation>
    </message>
    <message>
        <location filename="../qml/IdentityMrzScreen.qml" line="30" />
        <source>Date of expiry (YYMMDD)</source>
        <translation>有效期至（年年月月日日）</translation>
    </message>
    <message>
        <location filename="../qml/IdentityMrzScreen.qml" line="59" />
        <source>Please check the field marked in red</source>
        <translation>请检查标红的项目</translation>
    </message>
    <message>
        <location filename="../qml/IdentityMrzScreen.qml" line="67" />
        <source>Next: read the chip</source>
        <translation>下一步：读取芯片</translation>
    </message>
</context>
<context>
    <name>IdentityResultScreen</name>
    <message>
        <location filename="../qml/IdentityResultScreen.qml" line="43" />
        <source>Receipt number</source>
        <translation>回执号</translation>
    </message>
    <message>
        <location filename="../qml/IdentityResultScreen.qml" line="70" />
        <source>Done (%1)</source>
        <translation>完成（%1）</translation>
    </message>
</context>
<context>
    <name>CallStaffButton</name>
    <message>
        <location filename="../qml/CallStaffButton.qml" line="1" />
        <source>Call staff</source>
        <translation>呼叫工作人员</translation>
    </message>
    <message>
        <location filename="../qml/CallStaffButton.qml" line="1" />
        <source>Staff called</source>
        <translation>已呼叫工作人员</translation>
    </message>
    <message>
        <location filename="../qml/CallStaffButton.qml" line="1" />
        <source>Staff coming</source>
        <translation>工作人员马上到</translation>
    </message>
</context>
<context>
    <name>StaffCallBanner</name>
    <message>
        <location filename="../qml/StaffCallBanner.qml" line="1" />
        <source>Calling a member of staff…</source>
        <translation>正在呼叫工作人员…</translation>
    </message>
    <message>
        <location filename="../qml/StaffCallBanner.qml" line="1" />
        <source>The staff have been told. Please wait here.</source>
        <translation>已通知工作人员，请在此稍候。</translation>
    </message>
    <message>
        <location filename="../qml/StaffCallBanner.qml" line="1" />
        <source>A member of staff is on the way. Please wait here.</source>
        <translation>工作人员正在赶来，请在此稍候。</translation>
    </message>
    <message>
        <location filename="../qml/StaffCallBanner.qml" line="1" />
        <source>We could not reach the staff. Please ask at the help desk.</source>
        <translation>暂时无法通知工作人员，请到服务台求助。</translation>
    </message>
    <message>
        <location filename="../qml/StaffCallBanner.qml" line="1" />
        <source>Your information stays on this screen while you wait.</source>
        <translation>等候期间，您填写的内容会保留在屏幕上。</translation>
    </message>
    <message>
        <location filename="../qml/StaffCallBanner.qml" line="1" />
        <source>OK</source>
        <translation>知道了</translation>
    </message>
</context>
<context>
    <name>PhotoChooseScreen</name>
    <message>
        <location filename="../qml/PhotoChooseScreen.qml" line="1" />
        <source>Which photo do you need?</source>
        <translation>您需要拍哪种照片？</translation>
    </message>
</context>
<context>
    <name>FormAddressPicker</name>
    <message>
        <location filename="../qml/FormAddressPicker.qml" line="22" />
        <source>%1: choose the district</source>
        <translation>%1：请选择所在区</translation>
    </message>
    <message>
        <location filename="../qml/FormAddressPicker.qml" line="23" />
        <source>%1: choose the street in %2</source>
        <translation>%1：请选择%2的街道</translation>
    </message>
    <message>
        <location filename="../qml/FormAddressPicker.qml" line="69" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../qml/FormAddressPicker.qml" line="69" />
        <source>‹ Other district</source>
        <translation>‹ 换一个区</translation>
    </message>
    <message>
        <location filename="../qml/FormAddressPicker.qml" line="76" />
        <source>My street is not listed: I will type it</source>
        <translation>没有我的街道，我自己填写</translation>
    </message>
</context>
<context>
    <name>FormDatePicker</name>
    <message>
        <location filename="../qml/FormDatePicker.qml" line="34" />
        <source>Year</source>
        <translation>年</translation>
    </message>
    <message>
        <location filename="../qml/FormDatePicker.qml" line="35" />
        <source>Month</source>
        <translation>月</translation>
    </message>
    <message>
        <location filename="../qml/FormDatePicker.qml" line="36" />
        <source>Day</source>
        <translation>日</translation>
    </message>
    <message>
        <location filename="../qml/FormDatePicker.qml" line="63" />
        <source>Leave it empty</source>
        <translation>不填写</translation>
    </message>
    <message>
        <location filename="../qml/FormDatePicker.qml" line="69" />
        <source>Use this date</source>
        <translation>就是这一天</translation>
    </message>
</context>
<context>
    <name>FormExitConfirm</name>
    <message>
        <location filename="../qml/FormExitConfirm.qml" line="27" />
        <source>Exit and clear this form?</source>
        <translation>确定要退出吗？</translation>
    </message>
    <message>
        <location filename="../qml/FormExitConfirm.qml" line="43" />
        <source>Keep filling in</source>
        <translation>继续填写</translation>
    </message>
    <message>
        <location filename="../qml/FormExitConfirm.qml" line="49" />
        <source>Exit and clear</source>
        <translation>退出并清除</translation>
    </message>
</context>
<context>
    <name>FormScrollCue</name>
    <message>
        <location filename="../qml/FormScrollCue.qml" line="25" />
        <source>▼ More below: slide up or tap here</source>
        <translation>▼ 下面还有内容：向上滑动或点这里</translation>
    </message>
</context>
<context>
    <name>FormUnavailableScreen</name>
    <message>
        <location filename="../qml/FormUnavailableScreen.qml" line="20" />
        <source>Forms cannot be filled in at this terminal right now</source>
        <translation>本机暂时不能办理填表</translation>
    </message>
    <message>
        <location filename="../qml/FormUnavailableScreen.qml" line="25" />
        <source>It cannot keep your form safely at the moment. Please ask staff, or use a counter.</source>
        <translation>本机暂时无法安全保存您的表格。请联系工作人员，或到人工窗口办理。</translation>
    </message>
    <message>
        <location filename="../qml/FormUnavailableScreen.qml" line="32" />
        <source>Back to the menu</source>
        <translation>返回服务菜单</translation>
    </message>
</context>
</TS>