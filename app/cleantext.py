"""Control characters out of every input, and out of every XML output.

A vertical tab or an escape byte (pasted from Word, Excel or a terminal) is invisible on the page
but breaks an Atom feed for every reader (XML 1.0 forbids it) and a mail header. So:
- every form field and query-string value loses its control characters when the request is
  read (`CleanRequest`, the application's request class); tab and line breaks stay;
- names and subjects, which end up in mail headers, are one line (`single_line`);
- the importer cleans every text value the same way (`without_controls`);
- XML outputs drop whatever XML 1.0 cannot carry (`xml_safe`), for rows stored before this.
"""

import re

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property

# C0 controls except tab, LF and CR; DEL; C1 controls. (VT, FF and NEL become line breaks.)
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n"})
_SURROGATES = re.compile("[\ud800-\udfff]")  # only reachable through JSON "\ud800" escapes
_LINE_BREAKS = re.compile(r"\s*[\t\n\r]+\s*")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def without_controls(text: str) -> str:
    """Text without control characters; tab and line breaks (\\n, \\r\\n) stay."""
    return _SURROGATES.sub("\ufffd", _CONTROLS.sub("", text.translate(_BREAKS)))


def single_line(text: str) -> str:
    """One line for names and subjects (mail headers): breaks and tabs become one space."""
    return _LINE_BREAKS.sub(" ", without_controls(text)).strip()


def xml_safe(text: str) -> str:
    """Remove what XML 1.0 cannot contain, even escaped (after autoescaping took care of <&>)."""
    return _NOT_XML.sub("", text)


def _cleaned(values: ImmutableMultiDict) -> ImmutableMultiDict:
    return ImmutableMultiDict(
        (key, without_controls(value) if isinstance(value, str) else value)
        for key, value in values.items(multi=True)
    )


class CleanRequest(Request):
    """The request class: form fields and query values arrive without control characters."""

    @cached_property
    def args(self) -> ImmutableMultiDict:
        return _cleaned(super().args)

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _cleaned(self.__dict__["form"])
