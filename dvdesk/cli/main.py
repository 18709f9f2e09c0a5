"""``dvdesk [--data-dir DIR] COMMAND``: the entry point of the command line and the app.

Known errors print one Vietnamese line on stderr and exit non-zero; anything
else is a bug: its traceback goes to the log file, the user gets a short line
saying where it is.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import dvdesk
from dvdesk.cli import argparse_vi
from dvdesk.errors import UserError
from dvdesk.i18n import _, set_language
from dvdesk.logs import setup_logging
from dvdesk.paths import resolve_data_dir

log = logging.getLogger("dvdesk.cli")
EXIT_BUG = 70
EXIT_NO_GUI = 64
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for `yes | head`


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line, in the user's language, then the usage (argparse's own layout).
        self.print_usage(sys.stderr)
        self.exit(2, _("{prog}: error: {message}").format(prog=self.prog, message=message) + "\n")


class VersionAction(argparse.Action):
    """``--version``: the version is looked up only when asked for. Reading the installed
    package's metadata costs about 13 ms, which the app's start would otherwise pay."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(
            option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, nargs=0, **kwargs
        )

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        sys.stdout.write(f"dvdesk {dvdesk.__version__}\n")  # where argparse's own goes
        parser.exit()


def build_parser(*, with_commands: bool = True) -> Parser:
    """The command line; without commands (cheap: no command module loads) for the app."""
    parser = Parser(
        prog="dvdesk",
        description=_("dvdesk: records and reports of a dân vận office."),
        add_help=with_commands,
    )
    parser.add_argument(
        "--version", action=VersionAction, help=_("show program's version number and exit")
    )
    parser.add_argument(
        "--data-dir",
        metavar=_("FOLDER"),
        help=_("the office's data folder (default: the user's data folder)"),
    )
    parser.add_argument(
        "--portable",
        action="store_true",
        help=_("keep the data in the folder 'data' next to the program (e.g. on a USB stick)"),
    )
    parser.add_argument(
        "--self-check",
        action="store_true",
        help=_("check that every part of this installation works, then exit"),
    )
    parser.add_argument(
        "--user",
        metavar=_("NAME"),
        help=_(
            "who is working: the user who signs in (default: the login name, when "
            "the office has no users)"
        ),
    )
    parser.add_argument(
        "--password-file",
        metavar=_("FILE"),
        help=_("file holding the password of --user (instead of DVDESK_PASSWORD)"),
    )
    parser.add_argument(
        "--lang", choices=("vi", "en"), default="vi", help=_("language of messages (default: vi)")
    )
    if with_commands:
        from dvdesk.cli.commands import register_all  # noqa: PLC0415 - see parse_arguments

        commands = parser.add_subparsers(dest="command", metavar=_("COMMAND"), parser_class=Parser)
        register_all(commands)
    return parser


def parse_arguments(argv: list[str], *, gui: bool) -> argparse.Namespace:
    """Parse ``argv``. With no command the app opens, so the command modules (which load
    reportlab, pydantic, SQLAlchemy …) are only imported when a command is given."""
    if gui and "-h" not in argv and "--help" not in argv:
        known, rest = build_parser(with_commands=False).parse_known_args(argv)
        if not rest:
            return known
    return build_parser().parse_args(argv)


def _language_from(argv: Sequence[str]) -> str:
    for index, arg in enumerate(argv):
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
    return "vi"


GuiLauncher = Callable[[str | None], int]


def main(
    argv: Sequence[str] | None = None,
    *,
    open_gui: GuiLauncher | None = None,
    before_self_check: Callable[[], None] | None = None,
) -> int:
    """Run one command; with no command, hand over to ``open_gui`` (the desktop app).

    The GUI is injected by ``ui.main`` so that this core package never imports Qt; so is
    its self-check (``before_self_check`` registers it), loaded only for --self-check.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    language = _language_from(argv)
    set_language(language if language in ("vi", "en") else "vi")
    argparse_vi.install()
    try:
        args = parse_arguments(argv, gui=open_gui is not None)
    except SystemExit as stop:  # --help, --version, or a usage error already printed
        return stop.code if isinstance(stop.code, int) else 2
    if args.self_check:
        return _self_check(before_self_check)
    paths = resolve_data_dir(args.data_dir, portable=args.portable)
    handler = setup_logging(paths)
    run: Callable[[argparse.Namespace], int] | None = getattr(args, "run", None)
    if run is None:
        if open_gui is None:
            build_parser().print_help()
            return EXIT_NO_GUI
        return open_gui(str(paths.root) if args.portable else args.data_dir)
    args.paths = paths
    args.actor = args.user or _login_name()
    try:
        from dvdesk.cli.session import authenticate  # noqa: PLC0415 - loads SQLAlchemy

        authenticate(args)
        code = run(args)
        # Flush here, not at exit: a reader that went away (`| head`) must land below.
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # The reader of our output stopped early; that is normal for pipes, not a bug.
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except UserError as error:
        log.info("refused %s: %s", args.command, error.message)
        sys.stderr.write(error.message + "\n")
        return error.exit_code
    except KeyboardInterrupt:
        sys.stderr.write(_("Stopped.") + "\n")
        return 130
    except Exception:
        log.exception("unexpected error in %s", args.command)
        if handler is not None:
            message = _(
                "Unexpected error: this is a bug in dvdesk. Details are in {log}; "
                "please send that file to support."
            ).format(log=paths.log_file)
        else:
            message = _(
                "Unexpected error: this is a bug in dvdesk. No log file could be "
                "written; please note what you did and tell support."
            )
        sys.stderr.write(message + "\n")
        return EXIT_BUG
    finally:
        if handler is not None:
            logging.getLogger("dvdesk").removeHandler(handler)
            handler.close()


def _self_check(before: Callable[[], None] | None) -> int:
    from dvdesk.selfcheck import run_self_check  # noqa: PLC0415 - loads every library

    if before is not None:
        before()
    return run_self_check()


def _silence_stdout() -> None:
    """Point stdout at the null device so Python's own flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout without a file descriptor (tests, embedding)
        pass


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"
