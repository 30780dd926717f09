-- Paid repairs inside a home produce a bill (issue 12 section 3; DOMAIN.md §11-§12): the property staff who
-- handles a home repair records what it costs (labour, parts: lines of a label, a quantity and a unit price in
-- fen); the resident sees the charge with the fix and, confirming it, is billed: one bill of the home, paid
-- through the payment flow of Housing services I like any other.

-- The charge of a handled home repair: its lines and their sum. Null: free (common parts and complaints always).
ALTER TABLE repairs
    ADD COLUMN charge_fen   bigint CHECK (charge_fen BETWEEN 1 AND 10000000),
    ADD COLUMN charge_lines jsonb,
    ADD CONSTRAINT repairs_charge_pair CHECK ((charge_fen IS NULL) = (charge_lines IS NULL)),
    ADD CONSTRAINT repairs_charge_home CHECK (charge_fen IS NULL OR kind = 'home_repair');

-- Each estate's repair charges are billed on an item of kind 'repair' of its own (its revenue account): made the
-- first time a repair is billed, never priced by a billing run, not edited through the fee items' API.
ALTER TABLE fee_items DROP CONSTRAINT fee_items_kind_check;
ALTER TABLE fee_items ADD CONSTRAINT fee_items_kind_check
    CHECK (kind IN ('property', 'parking', 'heating', 'water', 'flat', 'late_fee', 'repair'));
CREATE UNIQUE INDEX fee_items_one_repair ON fee_items (estate_id) WHERE kind = 'repair';

-- A repair's bill names its repair (at most one bill a repair). Bills of billing runs stay one per home, item and
-- period; repair bills are one per repair (two repairs of one home can be billed on one day).
ALTER TABLE bills ADD COLUMN repair_id uuid UNIQUE REFERENCES repairs (id);
ALTER TABLE bills DROP CONSTRAINT bills_home_id_fee_item_id_period_start_key;
CREATE UNIQUE INDEX bills_one_per_period ON bills (home_id, fee_item_id, period_start) WHERE repair_id IS NULL;
