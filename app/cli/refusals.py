"""A service's refusal as a command's error: its message on stderr and exit status 1, no traceback."""

from contextlib import contextmanager

import click


@contextmanager
def as_command_error(*refusals: type[Exception]):
    try:
        yield
    except refusals as exc:
        raise click.ClickException(str(exc)) from None
