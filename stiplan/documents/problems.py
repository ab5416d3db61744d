"""Why a document cannot be made, said to the user (a broken template, an unusable font)."""


class DocumentProblem(ValueError):
    """A problem the user or the administrator can fix; its message says what and where."""


class FontProblem(DocumentProblem):
    """The PDF font is missing or cannot show Vietnamese: say so instead of printing boxes."""
