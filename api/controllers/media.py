"""Photos: upload sessions to the bucket, direct uploads for clients that cannot use them, access links."""

from __future__ import annotations

from typing import Annotated, Any, BinaryIO, Literal, cast
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.datastructures import State, UploadFile
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody
from litestar.response import Redirect
from litestar.status_codes import HTTP_201_CREATED

from api.auth import Caller, DbConn, OptionalCaller, provide_optional_principal
from api.errors import ProblemError
from cases.reports import service as cases_service
from media import service
from media.models import PhotoProcessed, UploadCreate, UploadTicket

# the multipart envelope around a photo of at most MAX_UPLOAD_BYTES
MULTIPART_OVERHEAD = 64 * 1024


class UploadsController(Controller):
    path = "/v1/uploads"
    tags = ["photos"]

    @post(
        operation_id="createUpload",
        opt={
            "problems": (
                "upload_too_large",
                "unsupported_image_type",
                "storage_unavailable",
                "rate_limited",
            )
        },
        summary="Announce a photo; POST its bytes to the returned form (or PUT them to the older URL)",
        status_code=HTTP_201_CREATED,
    )
    async def create(
        self, state: State, conn: DbConn, principal: Caller, data: JSONBody[UploadCreate]
    ) -> UploadTicket:
        return await service.create_upload(conn, state.storage, state.media_config, principal.user_id, data)

    @post(
        "/{upload_id:uuid}/complete",
        operation_id="completeUpload",
        opt={
            "problems": (
                "upload_not_found",
                "upload_not_received",
                "upload_mismatch",
                "unsupported_image_type",
                "image_too_large",
                "corrupt_image",
                "storage_unavailable",
            )
        },
        summary="Process a PUT photo: checks, EXIF position and time, clean copies",
        status_code=200,
    )
    async def complete(
        self, state: State, conn: DbConn, principal: Caller, upload_id: FromPath[UUID]
    ) -> PhotoProcessed:
        return await service.complete_upload(
            conn, state.storage, state.image_workers, state.media_config, principal.user_id, upload_id
        )


class PhotosController(Controller):
    path = "/v1/photos"
    tags = ["photos"]

    @post(
        operation_id="uploadPhoto",
        opt={
            "upload_field": "file",
            "problems": (
                "bad_request",  # a body that is not multipart/form-data at all
                "unsupported_image_type",
                "upload_mismatch",
                "image_too_large",
                "corrupt_image",
                "upload_too_large",
                "unsupported_media_type",
                "storage_unavailable",
                "rate_limited",
            ),
        },
        summary="Upload a photo through the API (multipart field `file`), for clients without presigned PUT",
        status_code=HTTP_201_CREATED,
        request_max_body_size=15 * 1024 * 1024 + MULTIPART_OVERHEAD,
    )
    async def upload(
        self,
        state: State,
        conn: DbConn,
        principal: Caller,
        data: Annotated[dict[str, UploadFile], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> PhotoProcessed:
        upload = data.get("file")
        if not isinstance(upload, UploadFile):
            raise ProblemError(422, "validation_failed", "send the photo in a multipart field named 'file'")
        try:
            return await service.upload_direct(
                conn,
                state.storage,
                state.image_workers,
                state.media_config,
                principal.user_id,
                cast(BinaryIO, upload.file),
                upload.content_type,
            )
        finally:
            await upload.close()

    @get(
        "/{photo_id:uuid}",
        operation_id="getPhoto",
        status_code=302,
        opt={"problems": ("photo_not_found",)},
        summary="Redirect to a short-lived link to a photo's clean copy, if the caller may see it",
        dependencies={"principal": Provide(provide_optional_principal)},
        security=[{}, {"bearer": []}],
    )
    async def get_photo(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: OptionalCaller,
        photo_id: FromPath[UUID],
        size: FromQuery[Literal["display", "thumb", "original"]] = "display",
    ) -> Redirect:
        found = await service.photo_key(conn, photo_id, size)
        if found is None:
            raise ProblemError(404, "photo_not_found", "no such photo")
        owner, key = found
        # originals keep their metadata: only staff acting on the photo's case (see cases.reports.service.may_see_photo)
        allowed = await cases_service.may_see_photo(conn, photo_id, owner, size, principal)
        if not allowed or key is None:
            # the same answer as for a missing photo: ids of private photos leak nothing
            raise ProblemError(404, "photo_not_found", "no such photo")
        return Redirect(
            state.storage.presigned_get(key, service.LINK_TTL),
            status_code=302,
            headers={"Cache-Control": "private, max-age=600"},
        )
