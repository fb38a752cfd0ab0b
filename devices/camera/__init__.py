"""Cameras: V4L2 through OpenCV, a video file, and a simulator."""
