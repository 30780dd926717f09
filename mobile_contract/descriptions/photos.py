"""Photos: direct uploads to object storage (presigned), the upload through the API, and reading one.

Part of mobile_contract.descriptions, whose __init__ merges the parts."""

from typing import Any

OPERATIONS: dict[str, str] = {
    # photos
    "createUpload": (
        "Announces a photo before uploading it: content type, size in bytes (at most 15 MiB) and SHA-256. The "
        "answer says where to send the bytes, straight to the bucket, for 15 minutes: preferably a form POST "
        "(multipart/form-data) to `post_url` with every `post_fields` member as a field and then the bytes in a "
        "field named `file`, last; the storage takes exactly the announced size and type under this upload's "
        "key and nothing else. The older way, a PUT to `put_url` with `headers`, still works in this version "
        "(deprecated): the body must be exactly the announced size (Content-Length and Content-Type are signed). "
        "Then call completeUpload. Each call starts a new upload; uploads never completed are purged. At most "
        "60 uploads per user per hour by default (UPLOADS_PER_HOUR, counting uploadPhoto too): past it, 429 "
        "rate_limited with Retry-After. Any signed-in user."
    ),
    "completeUpload": (
        "Processes a photo sent to its upload's form or URL: checks the stored size, SHA-256 and type against "
        "what was announced (a mismatch is 422 upload_mismatch, and the bytes are deleted), reads the EXIF "
        "position and capture time, rotates by the EXIF orientation and keeps display and thumbnail copies "
        "stripped of all metadata, under keys of their own. Completing twice answers the same photo, so it is "
        "safe to retry; the upload is then closed: bytes sent to its form or URL afterwards are never read and "
        "are deleted. Use the `photo_id` in a report's or a transition's `photo_ids`. "
        "Only the user who created the upload."
    ),
    "uploadPhoto": (
        "Uploads a photo through the API as multipart/form-data, in a field named `file`, for clients that "
        "cannot PUT to a presigned URL; createUpload and completeUpload are the preferred flow. JPEG, PNG, WebP "
        "or HEIC, up to 15 MiB and 40 megapixels. The server reads the EXIF position and capture time, rotates "
        "by the EXIF orientation and keeps display (long edge 2,048 px) and thumbnail (320 px) copies stripped "
        "of all metadata. The same bytes again answer the same photo. Counts against the same hourly limit as "
        "createUpload (429 rate_limited with Retry-After). Any signed-in user."
    ),
    "getPhoto": (
        "Redirects (302) to a link valid 15 minutes to one copy of a photo: `display`, `thumb`, or `original`. "
        "Anyone may see the clean copies of a public report's photos; the photo's owner, admins and staff whose "
        "scope covers a case of the photo may see the rest. The original keeps its metadata (GPS position, "
        "capture time): it goes only to the staff acting on the photo's case (its inspector, the department it "
        "is dispatched to, the district's intake clerks, shift leads and dispatchers) and admins. A photo the "
        "caller may not see is answered as if it did not exist."
    ),
}


PARAMETERS: dict[str, str] = {
    # photos
    "upload_id": "The upload's id, as answered by createUpload.",
    "photo_id": "The photo's id, as answered by completeUpload or uploadPhoto.",
    "size": (
        "Which copy: display (JPEG, long edge at most 2,048 px, no metadata), thumb (JPEG, 320 px, no "
        "metadata) or original (the bytes as uploaded, metadata kept: staff only)."
    ),
}


PARAMETER_EXAMPLES: dict[str, Any] = {
    "upload_id": "01936c2d-ee10-7f3a-8c2d-1e2f3a4b5c6d",
    "photo_id": "01936c2d-f0a2-7e55-a1b3-6c7d8e9f0a13",
    "size": "thumb",
}


SCHEMAS: dict[str, str] = {
    # photos
    "UploadCreate": "Announce a photo before uploading it: its type, size and SHA-256.",
    "UploadTicket": (
        "Where the phone sends the photo's bytes, and until when: a form POST (`post_url`, `post_fields`, "
        "preferred) or a PUT (`put_url`, `headers`, deprecated); both take exactly the announced bytes."
    ),
    "PhotoProcessed": (
        "A photo the server has checked and processed, with what it read from the EXIF data; use its photo_id "
        "in a report or a transition."
    ),
    "PhotoLink": (
        "Short-lived links (15 minutes) to a photo's clean copies, stripped of every metadata; fetch new links "
        "by reading the report or case again."
    ),
}


PROPERTIES: dict[str, str] = {
    # photos
    "UploadCreate.content_type": "The photo's type: image/jpeg, image/png, image/webp or image/heic (iPhone).",
    "UploadCreate.size": "The file's size in bytes, more than 0 and at most 15 MiB (15,728,640).",
    "UploadCreate.sha256": "The SHA-256 of the file's bytes, 64 lowercase hex digits; the server checks it.",
    "UploadTicket.upload_id": "The upload's id: call completeUpload with it after sending the bytes.",
    "UploadTicket.put_url": (
        "Deprecated (use post_url): a presigned URL to PUT the bytes to, as the request body, unchanged. "
        "Content-Type and Content-Length are signed: the body must be exactly the announced size."
    ),
    "UploadTicket.headers": "Deprecated, with put_url: headers to send with the PUT, exactly as given (Content-Type).",
    "UploadTicket.post_url": (
        "Where to POST the photo as multipart/form-data (the bucket's URL): the post_fields, then the bytes in "
        "a field named `file`, last. A success is 204 (or 200/201) from the storage, with no body to read."
    ),
    "UploadTicket.post_fields": (
        "Form fields to send, each unchanged and before the `file` field: the object key, its Content-Type, and "
        "the signed policy (exactly the announced size and type, until expires_at) with its signature."
    ),
    "UploadTicket.expires_at": (
        "Until when the form and the URL work (15 minutes), UTC; after that, create a new upload."
    ),
    "UploadTicket.max_size": "The most bytes a photo may have (15,728,640).",
    "PhotoProcessed.photo_id": "The photo's id: put it in a report's or a transition's photo_ids.",
    "PhotoProcessed.width": "The image's width in pixels, upright (after the EXIF orientation).",
    "PhotoProcessed.height": "The image's height in pixels, upright.",
    "PhotoProcessed.taken_at": (
        "When the photo was taken, from EXIF (a time without offset is read as local time of the city); null "
        "when the photo does not say."
    ),
    "PhotoProcessed.exif_location": (
        "Where the photo was taken, from its EXIF GPS (WGS-84); null when it has none. A report whose photos "
        "were taken more than 500 m away is flagged."
    ),
    "PhotoProcessed.content_type": "The type found in the bytes: image/jpeg, image/png, image/webp or image/heic.",
    "PhotoLink.id": "The photo's id.",
    "PhotoLink.display_url": "A link, valid 15 minutes, to the display copy: JPEG, long edge at most 2,048 px.",
    "PhotoLink.thumbnail_url": "A link, valid 15 minutes, to the thumbnail: JPEG, long edge at most 320 px.",
    "PhotoLink.width": "The display copy's width in pixels.",
    "PhotoLink.height": "The display copy's height in pixels.",
}


EXAMPLES: dict[str, Any] = {
    # photos
    "UploadCreate": {
        "content_type": "image/jpeg",
        "size": 2483917,
        "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    },
    "UploadTicket": {
        "upload_id": "01936c2d-ee10-7f3a-8c2d-1e2f3a4b5c6d",
        "put_url": (
            "https://oss.cityloop.example/cityloop-media/uploads/01936a10-2b3c-7d4e-8f5a-6b7c8d9e0f11/"
            "01936c2d-ee10-7f3a-8c2d-1e2f3a4b5c6d?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261122T013902Z"
            "&X-Amz-Expires=900&X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost&X-Amz-Signature=5d1f9a0c"
        ),
        "headers": {"Content-Type": "image/jpeg"},
        "expires_at": "2026-11-22T01:54:02.340Z",
        "max_size": 15728640,
        "post_url": "https://oss.cityloop.example/cityloop-media",
        "post_fields": {
            "key": "uploads/01936a10-2b3c-7d4e-8f5a-6b7c8d9e0f11/01936c2d-ee10-7f3a-8c2d-1e2f3a4b5c6d",
            "Content-Type": "image/jpeg",
            "x-amz-algorithm": "AWS4-HMAC-SHA256",
            "x-amz-credential": "cityloop-api/20261122/cn-north-1/s3/aws4_request",
            "x-amz-date": "20261122T013902Z",
            "policy": "eyJleHBpcmF0aW9uIjogIjIwMjYtMTEtMjJUMDE6NTQ6MDIuMzQwWiJ9",
            "x-amz-signature": "b7e1c0a4f49d2a3e8c5b6a7f9d0e1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d",
        },
    },
    "PhotoProcessed": {
        "photo_id": "01936c2d-f0a2-7e55-a1b3-6c7d8e9f0a13",
        "width": 3024,
        "height": 4032,
        "taken_at": "2026-11-22T01:38:51Z",
        "exif_location": {"lat": 39.92893, "lon": 116.41604},
        "content_type": "image/jpeg",
    },
    "PhotoLink": {
        "id": "01936c2d-f0a2-7e55-a1b3-6c7d8e9f0a13",
        "display_url": (
            "https://oss.cityloop.example/cityloop-media/display/"
            "5e0c7b1a9d3f4e2b8c6a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c.jpg"
            "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261122T023012Z&X-Amz-Expires=900"
            "&X-Amz-SignedHeaders=host&X-Amz-Signature=7d2c0b8e"
        ),
        "thumbnail_url": (
            "https://oss.cityloop.example/cityloop-media/thumb/"
            "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90.jpg"
            "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261122T023012Z&X-Amz-Expires=900"
            "&X-Amz-SignedHeaders=host&X-Amz-Signature=3b9f1e64"
        ),
        "width": 1536,
        "height": 2048,
    },
}
