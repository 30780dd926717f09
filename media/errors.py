"""Errors of the media domain.

Every error carries a stable machine ``code``; the API layer maps it to a problem document.
"""

from __future__ import annotations


class MediaError(Exception):
    """Base of every media error."""

    code: str = "media_error"


class UnsupportedImageType(MediaError):
    """The bytes are not JPEG, PNG, WebP or HEIC, whatever the name or the declared type says."""

    code = "unsupported_image_type"


class ImageTooLarge(MediaError):
    """The image declares more pixels than allowed, or absurd dimensions (refused before decoding)."""

    code = "image_too_large"


class CorruptImage(MediaError):
    """The bytes look like a supported type but cannot be decoded (truncated, garbled)."""

    code = "corrupt_image"


class MediaRefusal(MediaError):
    """A refusal that may name fields and carry extra members for the problem document."""

    def __init__(self, message: str, *, fields: tuple[str, ...] = (), **context: object) -> None:
        super().__init__(message)
        self.fields = fields
        self.context = context


class UploadTooLarge(MediaRefusal):
    code = "upload_too_large"


class UploadNotFound(MediaRefusal):
    """No such upload, or it is someone else's (the same answer, so ids leak nothing)."""

    code = "upload_not_found"


class UploadNotReceived(MediaRefusal):
    """The upload was never PUT to storage (or its link expired first)."""

    code = "upload_not_received"


class UploadMismatch(MediaRefusal):
    """The stored bytes are not what was announced: another size, another SHA-256 or another type."""

    code = "upload_mismatch"


class PhotoNotFound(MediaRefusal):
    code = "photo_not_found"


class StorageUnavailable(MediaError):
    code = "storage_unavailable"
