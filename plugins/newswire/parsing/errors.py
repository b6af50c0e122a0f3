"""The one exception the parser raises."""


class ParseError(ValueError):
    """A page that gives no release. ``reason`` is a short stable code that the warehouse
    stores with the reject (``empty``, ``too_large``, ``not_a_release_page``,
    ``not_a_wire_page``, ``missing_title``, ``too_deep``, ``parser_bug``); ``detail`` says
    more for people."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
