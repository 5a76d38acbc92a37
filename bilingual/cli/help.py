"""Help pages that say what each option takes (FILE, TEXT, INTEGER), never a Python type.

Typer's own help shows an option's Python type in angle brackets (``<str>``,
``<list[Path]>``, ``<bool>`` even for flags and ``--help``). :class:`Typer` is
``typer.Typer`` whose commands and groups name values the way command-line
help does: an option keeps the ``metavar`` it was declared with, or gets one
from its type (``FILE`` for a path, ``TEXT``, ``INTEGER``, ``NUMBER``); a flag
shows none; an argument shows its name only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args, get_origin

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

_VALUE_NAMES: dict[Any, str] = {Path: "FILE", str: "TEXT", int: "INTEGER", float: "NUMBER"}


def value_name(param: Any) -> str:
    """The metavar for an option that declares none: from the type of one value it takes."""
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    while get_origin(annotation) in (list, tuple) and get_args(annotation):
        annotation = get_args(annotation)[0]
    return _VALUE_NAMES.get(annotation, "TEXT")


class _Argument(TyperArgument):
    def display_type_rich(self, ctx: Any) -> str | None:
        return None  # the name column already says what it is (INPUT, FILE, ...)


def _name_values(params: list[Any]) -> list[Any]:
    for param in params:
        if isinstance(param, TyperArgument):
            if param.metavar is None:
                param.metavar = (param.name or "value").upper()
            if type(param) is TyperArgument:
                param.__class__ = _Argument  # same object and state, help without the type
        elif param.metavar is None:
            param.metavar = "" if getattr(param, "is_flag", False) else value_name(param)
    return params


class Command(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return _name_values(super().get_params(ctx))


class Group(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _name_values(super().get_params(ctx))


class Typer(typer.Typer):
    """``typer.Typer`` whose groups and commands use :class:`Group` and :class:`Command`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", Group)
        super().__init__(**kwargs)

    def command(self, name: str | None = None, *, cls: type[TyperCommand] | None = None, **kwargs: Any):
        return super().command(name, cls=cls or Command, **kwargs)
