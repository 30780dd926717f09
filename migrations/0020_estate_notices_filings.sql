-- Estate announcements (公告) with read receipts, and filings (备案) of the property company's service contract and
-- of the owners' committee's election (issue 12, sections 4 and 5; DOMAIN.md §12).

-- An announcement to a whole estate (building_ids empty) or to some of its buildings. Published at once by the
-- estate's property staff, its owners' committee or the district's housing officer (publisher_as says which);
-- withdrawn (hidden from residents) by one of them with a reason, never deleted. An urgent one is pushed to the
-- residents in scope (an outbox row of topic housing.announcement, written with it). photo_ids: processed photos
-- the publisher uploaded (media pipeline), in the order shown. version grows with each change (a withdrawal).
CREATE TABLE estate_announcements (
    id               uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    estate_id        uuid NOT NULL REFERENCES estates (id) ON DELETE CASCADE,
    building_ids     uuid[] NOT NULL DEFAULT '{}' CHECK (cardinality(building_ids) <= 500),
    title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    body             text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    urgent           boolean NOT NULL DEFAULT false,
    photo_ids        uuid[] NOT NULL DEFAULT '{}' CHECK (cardinality(photo_ids) <= 9),
    expires_at       timestamptz,
    publisher_id     uuid REFERENCES users (id) ON DELETE SET NULL,
    publisher_as     text NOT NULL CHECK (publisher_as IN ('property', 'committee', 'officer', 'admin')),
    published_at     timestamptz NOT NULL DEFAULT now(),
    state            text NOT NULL DEFAULT 'published' CHECK (state IN ('published', 'withdrawn')),
    withdrawn_at     timestamptz,
    withdrawn_by     uuid REFERENCES users (id) ON DELETE SET NULL,
    withdraw_reason  text NOT NULL DEFAULT '' CHECK (length(withdraw_reason) <= 200),
    version          int NOT NULL DEFAULT 1,
    CHECK (expires_at IS NULL OR expires_at > published_at),
    CHECK ((state = 'withdrawn') = (withdrawn_at IS NOT NULL)),
    CHECK (state = 'published' OR length(withdraw_reason) >= 1)
);
CREATE INDEX estate_announcements_estate ON estate_announcements (estate_id, published_at DESC, id DESC);

-- A read receipt: one per announcement and user, the first time they opened it (marking again changes nothing).
CREATE TABLE estate_announcement_reads (
    announcement_id  uuid NOT NULL REFERENCES estate_announcements (id) ON DELETE CASCADE,
    user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    read_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (announcement_id, user_id)
);

-- A filing (备案) with the district housing office: the property company's service contract (物业服务合同) or the
-- owners' committee's election result and members (业主委员会). Each estate and kind has a chain of versions
-- 1, 2, 3 ...; a new version may be filed when none is waiting (state 'filed'). The housing officer accepts or
-- returns the waiting one with a reason; accepting supersedes the version accepted before. The estate's public
-- filings are its accepted ones. document_ids: processed photos the filer uploaded (the signed contract, the
-- election record), in order. Service contract: company, service_grade (一级 the highest ... 五级), the property
-- fee in fen per m² of counted area per month. Committee: elected_on, and its members in the next table.
CREATE TABLE estate_filings (
    id                uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    estate_id         uuid NOT NULL REFERENCES estates (id) ON DELETE CASCADE,
    kind              text NOT NULL CHECK (kind IN ('service_contract', 'committee')),
    version           int NOT NULL CHECK (version >= 1),
    state             text NOT NULL DEFAULT 'filed' CHECK (state IN ('filed', 'accepted', 'returned', 'superseded')),
    term_start        date NOT NULL,
    term_end          date NOT NULL,
    company           text CHECK (length(company) BETWEEN 1 AND 100),
    service_grade     text CHECK (service_grade IN ('一级', '二级', '三级', '四级', '五级')),
    fee_fen_m2_month  bigint CHECK (fee_fen_m2_month BETWEEN 1 AND 100000),
    elected_on        date,
    note              text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    document_ids      uuid[] NOT NULL CHECK (cardinality(document_ids) BETWEEN 1 AND 20),
    filed_by          uuid REFERENCES users (id) ON DELETE SET NULL,
    filed_at          timestamptz NOT NULL DEFAULT now(),
    decided_by        uuid REFERENCES users (id) ON DELETE SET NULL,
    decided_at        timestamptz,
    decision_reason   text NOT NULL DEFAULT '' CHECK (length(decision_reason) <= 500),
    superseded_at     timestamptz,
    UNIQUE (estate_id, kind, version),
    CHECK (term_end > term_start),
    CHECK ((kind = 'service_contract') = (company IS NOT NULL AND service_grade IS NOT NULL
                                           AND fee_fen_m2_month IS NOT NULL)),
    CHECK ((kind = 'committee') = (elected_on IS NOT NULL)),
    CHECK ((state = 'filed') = (decided_at IS NULL)),
    CHECK (state <> 'returned' OR length(decision_reason) >= 1),
    CHECK ((state = 'superseded') = (superseded_at IS NOT NULL))
);
-- at most one version waiting and one accepted per estate and kind, whatever the concurrency
CREATE UNIQUE INDEX estate_filings_waiting ON estate_filings (estate_id, kind) WHERE state = 'filed';
CREATE UNIQUE INDEX estate_filings_accepted ON estate_filings (estate_id, kind) WHERE state = 'accepted';
-- the housing officers' queue: what waits for a decision, oldest first
CREATE INDEX estate_filings_queue ON estate_filings (filed_at, id) WHERE state = 'filed';

-- The members of a committee filing, in the order filed: role chair (主任), vice_chair (副主任) or member (委员).
CREATE TABLE estate_committee_members (
    filing_id  uuid NOT NULL REFERENCES estate_filings (id) ON DELETE CASCADE,
    position   smallint NOT NULL CHECK (position >= 0),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    role       text NOT NULL CHECK (role IN ('chair', 'vice_chair', 'member')),
    PRIMARY KEY (filing_id, position)
);
