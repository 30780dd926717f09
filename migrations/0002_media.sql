-- Photos: upload sessions (presigned PUT to the bucket) and processed photos named by content hash.

CREATE TABLE photos (
    id               uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    owner_id         uuid NOT NULL REFERENCES users (id),
    original_sha256  text NOT NULL CHECK (original_sha256 ~ '^[0-9a-f]{64}$'),
    content_type     text NOT NULL,
    width            int NOT NULL CHECK (width > 0),
    height           int NOT NULL CHECK (height > 0),
    taken_at         timestamptz,
    exif_location    geometry(Point, 4326),
    display_key      text NOT NULL,
    display_width    int NOT NULL,
    display_height   int NOT NULL,
    thumb_key        text NOT NULL,
    original_key     text,  -- NULL when originals are not kept
    created_at       timestamptz NOT NULL DEFAULT now(),
    -- the same bytes from the same person are one photo
    UNIQUE (owner_id, original_sha256)
);

CREATE TABLE uploads (
    id            uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    owner_id      uuid NOT NULL REFERENCES users (id),
    content_type  text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'image/heic')),
    size          bigint NOT NULL CHECK (size > 0),
    sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    object_key    text NOT NULL UNIQUE,
    photo_id      uuid REFERENCES photos (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL
);
CREATE INDEX uploads_owner ON uploads (owner_id, created_at DESC);
CREATE INDEX uploads_expiry ON uploads (expires_at) WHERE photo_id IS NULL;
