-- Owners' assembly e-voting (业主大会 线上投票, DOMAIN.md §8 and §12): matters put to the vote, the roll frozen at
-- notice (one row per head, with its homes), ballots (one per head, by a unique index), proxies, changes of a
-- head's designated voter, and the published tally. The role owners_committee (业主委员会, scope: estate) joins
-- the role enum.

ALTER TYPE user_role ADD VALUE IF NOT EXISTS 'owners_committee';

-- A matter (表决事项). kind fixes the threshold: special (3/4 of participating area and heads), ordinary (more
-- than 1/2 of both). scope_building_ids: empty = the whole estate, else only the owners of homes in these
-- buildings vote and only their area counts. state: draft -> noticed (the roll is frozen and published) -> open
-- (its window began) -> closed -> published (the tally is out; closing tallies and publishes in one
-- transaction, so a committed matter is never left 'closed' today). version grows with every change of state.
CREATE TABLE vote_matters (
    id                          uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    estate_id                   uuid NOT NULL REFERENCES estates (id) ON DELETE CASCADE,
    kind                        text NOT NULL CHECK (kind IN ('special', 'ordinary')),
    title                       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body                        text NOT NULL DEFAULT '' CHECK (length(body) <= 10000),
    scope_building_ids          uuid[] NOT NULL DEFAULT '{}',
    notice_at                   timestamptz,  -- when notice was given (the roll frozen); NULL while a draft
    opens_at                    timestamptz NOT NULL,
    closes_at                   timestamptz NOT NULL,
    allow_change                boolean NOT NULL DEFAULT false,
    non_voters_follow_majority  boolean NOT NULL DEFAULT false,
    state                       text NOT NULL DEFAULT 'draft'
                                CHECK (state IN ('draft', 'noticed', 'open', 'closed', 'published')),
    version                     int NOT NULL DEFAULT 1,
    raised_by                   uuid REFERENCES users (id) ON DELETE SET NULL,
    noticed_by                  uuid REFERENCES users (id) ON DELETE SET NULL,
    closed_at                   timestamptz,
    closed_by                   uuid REFERENCES users (id) ON DELETE SET NULL,  -- NULL: the worker, at closes_at
    created_at                  timestamptz NOT NULL DEFAULT now(),
    CHECK (opens_at > notice_at),
    CHECK (closes_at > opens_at),
    CHECK ((state = 'draft') = (notice_at IS NULL)),
    CHECK ((state IN ('closed', 'published')) = (closed_at IS NOT NULL))
);
CREATE INDEX vote_matters_estate ON vote_matters (estate_id, created_at DESC, id DESC);
-- the worker's sweep: matters to open and to close
CREATE INDEX vote_matters_due ON vote_matters (closes_at) WHERE state IN ('noticed', 'open');

-- The roll frozen at notice: one row per head (一户/一人 counted once, DOMAIN.md §8). head_key names how the head
-- was formed (its smallest home id for owners, 'developer' for all unsold homes together). masked_name is what
-- the published roll shows (张*). owners: every owner of the head as registered ([{name, phone}], full: for the
-- committee's designation only). voter_name/voter_phone: the designated voter (the first registered owner by
-- default; a change is a row of vote_voter_changes).
CREATE TABLE vote_roll (
    matter_id    uuid NOT NULL REFERENCES vote_matters (id) ON DELETE CASCADE,
    head_no      int NOT NULL CHECK (head_no > 0),
    head_key     text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('person', 'developer')),
    area         bigint NOT NULL CHECK (area > 0),
    masked_name  text NOT NULL,
    owners       jsonb NOT NULL,
    voter_name   text NOT NULL,
    voter_phone  text,
    PRIMARY KEY (matter_id, head_no),
    UNIQUE (matter_id, head_key)
);
CREATE INDEX vote_roll_voter ON vote_roll (voter_phone, matter_id) WHERE voter_phone IS NOT NULL;

-- The homes of each head, with the area each counted and its building (for the per-building figures).
CREATE TABLE vote_roll_homes (
    matter_id    uuid NOT NULL,
    head_no      int NOT NULL,
    home_id      uuid NOT NULL REFERENCES homes (id) ON DELETE CASCADE,
    building_id  uuid NOT NULL,
    label        text NOT NULL,  -- 1号楼 1单元 101
    area         bigint NOT NULL CHECK (area > 0),
    PRIMARY KEY (matter_id, home_id),
    FOREIGN KEY (matter_id, head_no) REFERENCES vote_roll (matter_id, head_no) ON DELETE CASCADE
);
CREATE INDEX vote_roll_homes_head ON vote_roll_homes (matter_id, head_no);
CREATE INDEX vote_roll_homes_home ON vote_roll_homes (home_id);

-- A written proxy (委托书): the head's designated voter names the proxy's phone, with a photo of the signed
-- authorisation. Revocable until the head has voted; one live proxy per head.
CREATE TABLE vote_proxies (
    id           uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    matter_id    uuid NOT NULL,
    head_no      int NOT NULL,
    proxy_phone  text NOT NULL CHECK (proxy_phone ~ '^\+[1-9][0-9]{6,14}$'),
    photo_id     uuid NOT NULL REFERENCES photos (id),
    given_by     uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz,
    revoked_by   uuid REFERENCES users (id) ON DELETE SET NULL,
    FOREIGN KEY (matter_id, head_no) REFERENCES vote_roll (matter_id, head_no) ON DELETE CASCADE
);
CREATE UNIQUE INDEX vote_proxies_live ON vote_proxies (matter_id, head_no) WHERE revoked_at IS NULL;
CREATE INDEX vote_proxies_phone ON vote_proxies (proxy_phone, matter_id) WHERE revoked_at IS NULL;

-- Ballots: one per head and matter, by the unique primary key, whatever the concurrency. channel: app (the
-- designated voter in the app), paper (entered by the committee, with the ballot's photo), proxy (the proxy in
-- the app; photo_id is the authorisation's). receipt_hash: sha256 (hex) of the receipt code the voter was given;
-- the code itself is never stored. A change (when the matter allows it) rewrites the row and its receipt.
CREATE TABLE vote_ballots (
    matter_id     uuid NOT NULL,
    head_no       int NOT NULL,
    choice        text NOT NULL CHECK (choice IN ('yes', 'no', 'abstain')),
    channel       text NOT NULL CHECK (channel IN ('app', 'paper', 'proxy')),
    photo_id      uuid REFERENCES photos (id),
    proxy_id      uuid REFERENCES vote_proxies (id),
    cast_by       uuid REFERENCES users (id) ON DELETE SET NULL,
    receipt_hash  text NOT NULL CHECK (receipt_hash ~ '^[0-9a-f]{64}$'),
    cast_at       timestamptz NOT NULL DEFAULT now(),
    changes       int NOT NULL DEFAULT 0,
    PRIMARY KEY (matter_id, head_no),
    FOREIGN KEY (matter_id, head_no) REFERENCES vote_roll (matter_id, head_no) ON DELETE CASCADE,
    CHECK (channel = 'app' OR photo_id IS NOT NULL),
    CHECK ((channel = 'proxy') = (proxy_id IS NOT NULL))
);

-- Changes of a head's designated voter by the committee, with who, when and why.
CREATE TABLE vote_voter_changes (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    matter_id    uuid NOT NULL,
    head_no      int NOT NULL,
    from_name    text NOT NULL,
    from_phone   text,
    to_name      text NOT NULL,
    to_phone     text,
    reason       text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
    changed_by   uuid REFERENCES users (id) ON DELETE SET NULL,
    changed_at   timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (matter_id, head_no) REFERENCES vote_roll (matter_id, head_no) ON DELETE CASCADE
);

-- The published tally: every numerator and denominator, the quorum and the pass on area and heads, the
-- per-building figures and the receipts list (sha256 of each receipt code with its choice), as JSON
-- (housing.assembly.Tally); `cityloop votes recount` recomputes it from the ballots.
CREATE TABLE vote_results (
    matter_id     uuid PRIMARY KEY REFERENCES vote_matters (id) ON DELETE CASCADE,
    tally         jsonb NOT NULL,
    receipts      jsonb NOT NULL,
    published_at  timestamptz NOT NULL DEFAULT now()
);
