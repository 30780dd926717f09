-- Spending the maintenance fund (维修资金使用, issue 12 section 2; DOMAIN.md §9, §11, §12): repair projects for
-- the common parts (共用部位、共用设施设备), the owners' vote that approves an ordinary one, the housing officer's
-- disbursement apportioned to the homes in scope by area (largest remainder), acceptance on completion and the
-- final settlement that returns the difference to the same homes. Two new ledger entry kinds: fund_spend (the
-- homes' shares debited, the fund's bank credited) and fund_return (the reverse, for the difference).

ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_kind_check;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_kind_check
    CHECK (kind IN ('bill', 'bill_waive', 'payment', 'credit_applied', 'refund', 'fund_deposit', 'fund_interest',
                    'reversal', 'fund_spend', 'fund_return'));

-- A project. scope_building_ids: empty = the whole estate. quotes: [{supplier, amount_fen}]. emergency projects
-- (lift, water_supply, fire_system, roof_or_wall_leak, outer_wall_danger) skip the vote and must be published to
-- the owners by publish_due_at (approved_at + FUND_EMERGENCY_PUBLISH_DAYS): an urgent estate announcement to the
-- project's scope (housing/announcements.py, pushed through the outbox topic housing.announcement).
-- state: raised -> voting (an ordinary project, matter_id set) -> approved (disbursed: spend_entry_id) ->
-- accepted (验收) -> settled (the final account; return_entry_id when money came back). An emergency project goes
-- raised -> approved. version grows with every change.
CREATE TABLE fund_projects (
    id                   uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    estate_id            uuid NOT NULL REFERENCES estates (id) ON DELETE CASCADE,
    title                text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description          text NOT NULL DEFAULT '' CHECK (length(description) <= 10000),
    scope_building_ids   uuid[] NOT NULL DEFAULT '{}' CHECK (cardinality(scope_building_ids) <= 500),
    budget_fen           bigint NOT NULL CHECK (budget_fen BETWEEN 1 AND 1000000000000),
    contractor           text NOT NULL CHECK (length(contractor) BETWEEN 1 AND 200),
    quotes               jsonb NOT NULL DEFAULT '[]',
    photo_ids            uuid[] NOT NULL DEFAULT '{}' CHECK (cardinality(photo_ids) <= 20),
    emergency            boolean NOT NULL DEFAULT false,
    emergency_kind       text CHECK (emergency_kind IN ('lift', 'water_supply', 'fire_system', 'roof_or_wall_leak',
                                                        'outer_wall_danger')),
    state                text NOT NULL DEFAULT 'raised'
                         CHECK (state IN ('raised', 'voting', 'approved', 'accepted', 'settled')),
    version              int NOT NULL DEFAULT 1,
    raised_by            uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    matter_id            uuid UNIQUE REFERENCES vote_matters (id),
    approved_at          timestamptz,
    approved_by          uuid REFERENCES users (id) ON DELETE SET NULL,
    disbursed_fen        bigint CHECK (disbursed_fen > 0),
    spend_entry_id       bigint UNIQUE,
    publish_due_at       timestamptz,
    published_at         timestamptz,
    published_by         uuid REFERENCES users (id) ON DELETE SET NULL,
    announcement_id      uuid REFERENCES estate_announcements (id),  -- the publication: an urgent announcement
    accepted_at          timestamptz,
    accepted_by          uuid REFERENCES users (id) ON DELETE SET NULL,
    acceptance_photo_ids uuid[] NOT NULL DEFAULT '{}' CHECK (cardinality(acceptance_photo_ids) <= 20),
    acceptance_note      text NOT NULL DEFAULT '' CHECK (length(acceptance_note) <= 2000),
    settled_at           timestamptz,
    settled_by           uuid REFERENCES users (id) ON DELETE SET NULL,
    actual_cost_fen      bigint CHECK (actual_cost_fen >= 0),
    return_entry_id      bigint UNIQUE,
    CHECK (emergency = (emergency_kind IS NOT NULL)),
    CHECK (NOT emergency OR matter_id IS NULL),
    CHECK ((state = 'voting') <= (matter_id IS NOT NULL)),
    CHECK ((state IN ('approved', 'accepted', 'settled')) = (approved_at IS NOT NULL AND spend_entry_id IS NOT NULL)),
    CHECK ((state IN ('accepted', 'settled')) = (accepted_at IS NOT NULL)),
    CHECK ((state = 'settled') = (settled_at IS NOT NULL AND actual_cost_fen IS NOT NULL)),
    CHECK (actual_cost_fen IS NULL OR actual_cost_fen <= disbursed_fen),
    CHECK ((emergency AND approved_at IS NOT NULL) = (publish_due_at IS NOT NULL))
);
CREATE INDEX fund_projects_estate ON fund_projects (estate_id, created_at DESC, id DESC);
-- the housing officer's listing: emergency projects not yet published to the owners
CREATE INDEX fund_projects_publish_due ON fund_projects (publish_due_at, id) WHERE published_at IS NULL
    AND publish_due_at IS NOT NULL;

-- The apportionment: each home in scope that held a fund share at approval, the area it was weighed by, what it
-- paid (its part of the disbursement) and what came back at settlement (its part of the difference).
CREATE TABLE fund_project_homes (
    project_id    uuid NOT NULL REFERENCES fund_projects (id) ON DELETE CASCADE,
    home_id       uuid NOT NULL REFERENCES homes (id) ON DELETE CASCADE,
    area          bigint NOT NULL CHECK (area > 0),
    spent_fen     bigint NOT NULL CHECK (spent_fen >= 0),
    returned_fen  bigint NOT NULL DEFAULT 0 CHECK (returned_fen >= 0),
    PRIMARY KEY (project_id, home_id)
);
CREATE INDEX fund_project_homes_home ON fund_project_homes (home_id);
