"""``kiosk identity check``: judge a recorded clip (liveness by actions, then a 1:1 match).

Exit 0 only when the person is verified; 3 when a check fails (not live, not the same
person, no face, inconclusive); 2 for usage errors (bad challenge list, unreadable files).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.cli.common import CliError, add_config_arg, config_from, print_json

EXIT_FAILED = 3
EXIT_USAGE = 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("identity", help="identity check: liveness and 1:1 face match")
    isub = p.add_subparsers(dest="identity_command", metavar="ACTION", required=True)
    check = isub.add_parser(
        "check",
        help="judge a clip of the actions against a reference photo",
        description=(
            "Reads CLIP (a video file, or a folder of frames at --fps), checks the actions "
            "were done in the given order and direction by one live person, then matches "
            "the best frame against PHOTO. Exit 0 = verified, 3 = not, 2 = usage error."
        ),
    )
    check.add_argument("--video", required=True, type=Path, metavar="CLIP")
    check.add_argument(
        "--challenges",
        required=True,
        metavar="LIST",
        help="actions in order, e.g. blink,open_mouth,turn_left (also turn_right, nod)",
    )
    check.add_argument("--reference", required=True, type=Path, metavar="PHOTO")
    check.add_argument("--json", action="store_true", help="print the result as JSON")
    check.add_argument("--fps", type=float, default=15.0, help="frame rate of a folder of frames")
    check.add_argument("--threshold", type=float, help="match threshold (default: [identity])")
    add_config_arg(check)
    check.set_defaults(func=_check)


def _check(args: argparse.Namespace) -> int:
    from kiosk.identity.challenges import ChallengeError, parse_challenges
    from kiosk.identity.clip import ClipError, check_clip, read_clip
    from kiosk.identity.matcher import FaceMatcher, decode_image
    from kiosk.identity.models import ModelError

    try:
        actions = parse_challenges(args.challenges)
    except ChallengeError as exc:
        raise CliError(f"--challenges: {exc.problem}", exit_code=EXIT_USAGE) from None
    if args.fps <= 0:
        raise CliError("--fps must be above 0", exit_code=EXIT_USAGE)
    try:
        data = args.reference.read_bytes()
    except OSError as exc:
        raise CliError(
            f"--reference {args.reference}: {exc.strerror}", exit_code=EXIT_USAGE
        ) from None
    reference = decode_image(data)
    if reference is None:
        raise CliError(
            f"--reference {args.reference}: not an image OpenCV can read", exit_code=EXIT_USAGE
        )
    if not args.video.exists():
        raise CliError(f"--video {args.video}: no such file or folder", exit_code=EXIT_USAGE)
    threshold = args.threshold
    if threshold is None:
        threshold = config_from(args).identity.match_threshold
    if not -1.0 <= threshold <= 1.0:
        raise CliError("--threshold is a cosine similarity: -1 to 1", exit_code=EXIT_USAGE)
    try:
        matcher = FaceMatcher()
    except ModelError as exc:
        raise CliError(exc.problem) from None
    try:
        result = check_clip(read_clip(args.video, args.fps), actions, reference, threshold, matcher)
    except ClipError as exc:
        raise CliError(str(exc), exit_code=EXIT_USAGE) from None
    if args.json:
        print_json(result.as_json())
    else:
        steps = ", ".join(f"{c['name']} {'ok' if c['passed'] else 'NO'}" for c in result.challenges)
        score = (
            f"score {result.match.score:.3f} (threshold {result.match.threshold:g})"
            if result.match
            else "no match"
        )
        why = f" [{result.reason}]" if result.reason else ""
        print(f"{result.verdict.value}: {steps}; {score}; faces seen {result.faces_seen}{why}")
    return 0 if result.verdict.value == "verified" else EXIT_FAILED
