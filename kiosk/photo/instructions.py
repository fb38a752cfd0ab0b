"""The short instructions live guidance gives, one at a time, in both languages.

Kept apart from the analyser so the UI can name them without importing OpenCV.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Instruction:
    zh: str
    en: str


INSTRUCTIONS: dict[str, Instruction] = {
    "no_face": Instruction("请站到镜头前", "Please stand in front of the camera"),
    "many_faces": Instruction("画面中只能有一个人", "Only one person in the picture, please"),
    "closer": Instruction("请靠近一点", "Move a little closer"),
    "back": Instruction("请后退一点", "Step back a little"),
    "left": Instruction("请向左移一点", "Move a little to your left"),
    "right": Instruction("请向右移一点", "Move a little to your right"),
    "raise": Instruction("请把头抬高一点", "Raise your head a little"),
    "lower": Instruction("请把头放低一点", "Lower your head a little"),
    "yaw": Instruction("请正对镜头", "Face the camera directly"),
    "pitch": Instruction("请平视镜头", "Keep your chin level"),
    "roll": Instruction("请把头摆正", "Keep your head straight"),
    "eyes": Instruction("请睁开眼睛", "Please open your eyes"),
    "mouth": Instruction("请保持嘴巴闭合", "Please keep your mouth closed"),
    "glare": Instruction("请调整眼镜，避免反光", "Tilt your glasses to avoid glare"),
    "hat": Instruction("请摘下帽子", "Please take off your hat"),
    "dark": Instruction("光线太暗，请联系工作人员", "Too dark: please ask staff"),
    "bright": Instruction("光线太亮，请联系工作人员", "Too bright: please ask staff"),
    "uneven": Instruction("面部光线不均匀，请正对灯光", "Uneven light: face the lamp"),
    "still": Instruction("请保持不动", "Please hold still"),
    "good": Instruction("很好，请保持不动", "Good, hold still"),
}
