"""File storage that never shows a part-written file: a file is written beside its place under a
hidden temporary name and linked into place only once whole, so a full disk or a killed process
leaves nothing under a real name (and a failed write removes its temporary file). Files are
made readable by their owner only (mkstemp), unless FILE_UPLOAD_PERMISSIONS says otherwise."""

from __future__ import annotations

import contextlib
import os
import tempfile

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class WholeFileStorage(FileSystemStorage):
    TEMPORARY_PREFIX = ".part-"

    def _save(self, name: str, content) -> str:
        directory = os.path.dirname(self.path(name))
        os.makedirs(directory, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=self.TEMPORARY_PREFIX)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk.encode() if isinstance(chunk, str) else chunk)
                out.flush()
                os.fsync(out.fileno())
            if self.file_permissions_mode is not None:
                os.chmod(temporary, self.file_permissions_mode)
            while True:
                try:
                    os.link(temporary, self.path(name))  # fails, not overwrites, if taken
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        return os.path.relpath(self.path(name), self.location).replace(os.sep, "/")


class PrivateStorage(WholeFileStorage):  # no part-written file under a real name
    """Evidence files live outside the web root; they are served only through a checked view.

    The folder is read from settings at each use, so a deployment (or a test) can move it."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)
