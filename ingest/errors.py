"""Named ingest errors; each message names the file, the problem and the fix."""


class IngestError(ValueError):
    """Base class: a file could not be ingested. Nothing already stored is touched."""


class UnsupportedFormat(IngestError):
    """The file's type is not one docqa reads, or its content is not what its name says."""


class UnreadableText(IngestError):
    """The bytes could not be decoded as text in any encoding we trust."""


class EmptyDocument(IngestError):
    """The file holds no text to index."""


class FileTooLarge(IngestError):
    """The file is over the configured size limit."""


class BadFileName(IngestError):
    """The name cannot serve as a document id (control characters, path separators)."""


class DamagedFile(IngestError):
    """The file has the right type but is truncated or corrupt."""


class EncryptedDocument(IngestError):
    """The file is password-protected, so its text cannot be read."""
