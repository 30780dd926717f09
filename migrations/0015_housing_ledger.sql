-- Housing money: the double-entry ledger, fee items, meter readings, billing runs and bills, and the maintenance
-- fund (住宅专项维修资金). Amounts are integer fen; areas and water are integer hundredths of m² / m³.
--
-- The ledger's guarantees are the database's own, whatever writes to it:
-- * every journal entry's lines sum to zero and it has at least two of them, checked at commit by a deferred
--   constraint trigger (ledger_entry_balanced);
-- * lines may only be added to an entry made in the same transaction (so a committed entry never changes);
-- * entries and lines are append-only: UPDATE, DELETE and TRUNCATE are refused by triggers; a correction is a
--   reversing entry (reverses_id);
-- * each account's stored balance is the sum of its lines, kept by the statement that inserts the lines (a
--   trigger over the statement's new rows); nothing else may change it. `cityloop ledger check` proves both sums.
-- Lines are signed: a debit is positive, a credit negative. An asset's (receivable, clearing, fund bank) balance
-- is positive; a liability's or income's (prepayment, fund share, revenue, fund interest) is negative.

-- fee items -------------------------------------------------------------------------------------------------------

-- What billing applies, per estate (the published standards of estate_fee_standards are the page people read).
-- price_fen by kind: property fen/m²/month; parking fen/space/month; heating fen/m²/season; flat fen/home/month;
-- late_fee 1/10,000 of the outstanding amount per day (万分之); water: its tiers (bounds in hundredths of m³ of
-- yearly use per household, one price more than bounds, fen per m³) and no price_fen.
CREATE TABLE fee_items (
    id             uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    estate_id      uuid NOT NULL REFERENCES estates (id),
    kind           text NOT NULL CHECK (kind IN ('property', 'parking', 'heating', 'water', 'flat', 'late_fee')),
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    price_fen      bigint NOT NULL DEFAULT 0 CHECK (price_fen BETWEEN 0 AND 100000000),
    tier_bounds    bigint[] NOT NULL DEFAULT '{}',
    tier_prices    bigint[] NOT NULL DEFAULT '{}',
    season_start   text CHECK (season_start ~ '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'),
    season_end     text CHECK (season_end ~ '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'),
    applies_to     text NOT NULL DEFAULT 'all' CHECK (applies_to IN ('all', 'assigned')),
    due_days       int NOT NULL DEFAULT 30 CHECK (due_days BETWEEN 0 AND 366),
    grace_days     int NOT NULL DEFAULT 0 CHECK (grace_days BETWEEN 0 AND 366),
    active         boolean NOT NULL DEFAULT true,
    version        int NOT NULL DEFAULT 1,
    created_by     uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (estate_id, name),
    UNIQUE (id, estate_id),
    CHECK ((kind = 'heating') = (season_start IS NOT NULL AND season_end IS NOT NULL)),
    CHECK (kind <> 'water' OR (cardinality(tier_prices) = cardinality(tier_bounds) + 1 AND price_fen = 0)),
    CHECK (kind = 'water' OR (cardinality(tier_prices) = 0 AND cardinality(tier_bounds) = 0)),
    CHECK (kind = 'parking' OR kind = 'flat' OR applies_to = 'all')
);
-- at most one late fee item per estate: it is charged on every other item's overdue bills
CREATE UNIQUE INDEX fee_items_one_late_fee ON fee_items (estate_id) WHERE kind = 'late_fee' AND active;

-- Homes an 'assigned' item applies to, with how many (parking spaces).
CREATE TABLE fee_item_homes (
    fee_item_id  uuid NOT NULL REFERENCES fee_items (id),
    home_id      uuid NOT NULL REFERENCES homes (id),
    quantity     int NOT NULL CHECK (quantity BETWEEN 1 AND 100),
    PRIMARY KEY (fee_item_id, home_id)
);

-- meter readings ----------------------------------------------------------------------------------------------------

CREATE TABLE reading_imports (
    id              uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    estate_id       uuid NOT NULL REFERENCES estates (id),
    fee_item_id     uuid NOT NULL REFERENCES fee_items (id),
    file_name       text NOT NULL,
    sha256          text NOT NULL,
    encoding        text,
    outcome         text NOT NULL CHECK (outcome IN ('imported', 'dry_run', 'refused')),
    counts          jsonb NOT NULL DEFAULT '{}',
    problems        jsonb NOT NULL DEFAULT '[]',
    problem_count   int NOT NULL DEFAULT 0,
    actor_label     text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- A water meter's reading (hundredths of m³ on the dial) of a home on a day. Use is the difference of readings.
CREATE TABLE meter_readings (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fee_item_id  uuid NOT NULL REFERENCES fee_items (id),
    home_id      uuid NOT NULL REFERENCES homes (id),
    read_on      date NOT NULL,
    reading      bigint NOT NULL CHECK (reading BETWEEN 0 AND 100000000000),
    import_id    uuid REFERENCES reading_imports (id),
    UNIQUE (home_id, fee_item_id, read_on)
);

-- the ledger -------------------------------------------------------------------------------------------------------

CREATE TABLE ledger_accounts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('receivable', 'prepayment', 'fund_share', 'revenue', 'clearing',
                                               'refunds', 'fund_bank', 'fund_interest')),
    estate_id    uuid NOT NULL REFERENCES estates (id),
    home_id      uuid REFERENCES homes (id),
    fee_item_id  uuid REFERENCES fee_items (id),
    provider     text CHECK (provider ~ '^[a-z][a-z0-9_]{1,31}$'),
    balance      bigint NOT NULL DEFAULT 0,  -- Σ amount of its lines, kept by ledger_lines_after_insert
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE NULLS NOT DISTINCT (kind, estate_id, home_id, fee_item_id, provider),
    CHECK ((kind IN ('receivable', 'prepayment', 'fund_share')) = (home_id IS NOT NULL)),
    CHECK ((kind = 'revenue') = (fee_item_id IS NOT NULL)),
    CHECK ((kind = 'clearing') = (provider IS NOT NULL))
);
CREATE INDEX ledger_accounts_home ON ledger_accounts (home_id) WHERE home_id IS NOT NULL;

CREATE TABLE ledger_entries (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    estate_id    uuid NOT NULL REFERENCES estates (id),
    kind         text NOT NULL CHECK (kind IN ('bill', 'bill_waive', 'payment', 'credit_applied', 'refund',
                                               'fund_deposit', 'fund_interest', 'reversal')),
    memo         text NOT NULL DEFAULT '' CHECK (length(memo) <= 200),
    bill_id      uuid,
    ref          text CHECK (length(ref) <= 100),  -- an outside reference: a payment, a provider's transaction
    reverses_id  bigint UNIQUE REFERENCES ledger_entries (id),  -- a reversal names the one entry it reverses
    actor_id     uuid REFERENCES users (id),
    xid          xid8 NOT NULL DEFAULT pg_current_xact_id(),  -- the transaction that made it
    posted_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'reversal') = (reverses_id IS NOT NULL))
);
CREATE INDEX ledger_entries_bill ON ledger_entries (bill_id) WHERE bill_id IS NOT NULL;

CREATE TABLE ledger_lines (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entry_id    bigint NOT NULL REFERENCES ledger_entries (id),
    account_id  bigint NOT NULL REFERENCES ledger_accounts (id),
    amount      bigint NOT NULL CHECK (amount <> 0 AND amount BETWEEN -1000000000000 AND 1000000000000)
);
CREATE INDEX ledger_lines_entry ON ledger_lines (entry_id);
CREATE INDEX ledger_lines_account ON ledger_lines (account_id, id);

CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % is refused (post a reversing entry instead)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'ledger_append_only';
END $$;

CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_lines_append_only BEFORE UPDATE OR DELETE ON ledger_lines
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_lines_no_truncate BEFORE TRUNCATE ON ledger_lines
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

-- An account is never deleted and never changes what it is; its balance changes only inside the lines trigger.
CREATE FUNCTION ledger_account_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'ledger accounts are never deleted' USING ERRCODE = 'integrity_constraint_violation',
            CONSTRAINT = 'ledger_append_only';
    END IF;
    IF (NEW.id, NEW.kind, NEW.estate_id, NEW.home_id, NEW.fee_item_id, NEW.provider, NEW.created_at)
       IS DISTINCT FROM (OLD.id, OLD.kind, OLD.estate_id, OLD.home_id, OLD.fee_item_id, OLD.provider, OLD.created_at)
    THEN
        RAISE EXCEPTION 'a ledger account never changes what it is' USING ERRCODE = 'integrity_constraint_violation',
            CONSTRAINT = 'ledger_append_only';
    END IF;
    IF pg_trigger_depth() < 2 THEN  -- 1: this trigger, fired by an UPDATE someone sent; 2: inside the lines trigger
        RAISE EXCEPTION 'a stored balance changes only with the lines posted to it'
            USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'ledger_append_only';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER ledger_accounts_guard BEFORE UPDATE OR DELETE ON ledger_accounts
    FOR EACH ROW EXECUTE FUNCTION ledger_account_guard();
CREATE TRIGGER ledger_accounts_no_truncate BEFORE TRUNCATE ON ledger_accounts
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

-- After each statement that adds lines: refuse lines for an entry of another transaction, then add the lines to
-- their accounts' stored balances (accounts locked in id order, so that concurrent postings cannot deadlock here).
CREATE FUNCTION ledger_lines_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    foreign_entry bigint;
BEGIN
    SELECT l.entry_id INTO foreign_entry
    FROM new_lines l JOIN ledger_entries e ON e.id = l.entry_id
    WHERE e.xid <> pg_current_xact_id() LIMIT 1;
    IF foreign_entry IS NOT NULL THEN
        RAISE EXCEPTION 'ledger entry % was committed already: lines are added only with their entry', foreign_entry
            USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'ledger_append_only';
    END IF;
    PERFORM 1 FROM ledger_accounts
    WHERE id IN (SELECT DISTINCT account_id FROM new_lines) ORDER BY id FOR NO KEY UPDATE;
    UPDATE ledger_accounts a SET balance = a.balance + s.total
    FROM (SELECT account_id, sum(amount) AS total FROM new_lines GROUP BY account_id) s
    WHERE a.id = s.account_id;
    RETURN NULL;
END $$;

CREATE TRIGGER ledger_lines_after_insert AFTER INSERT ON ledger_lines
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION ledger_lines_after_insert();

-- At commit (deferred): every entry made has at least two lines, and they sum to zero.
CREATE FUNCTION ledger_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
    total numeric;
BEGIN
    SELECT count(*), coalesce(sum(amount), 0) INTO n, total FROM ledger_lines WHERE entry_id = NEW.id;
    IF n < 2 OR total <> 0 THEN
        RAISE EXCEPTION 'ledger entry % does not balance: % line(s) summing to % fen', NEW.id, n, total
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_entry_balanced';
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER ledger_entry_balanced AFTER INSERT ON ledger_entries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_balanced();

-- billing runs and bills --------------------------------------------------------------------------------------------

-- One run per estate and period ('2026-11' or '2026-Q4'; [period_start, period_end) ). A run is executed in batches
-- of homes, each batch one transaction; a run that stopped half way is 'running' with its progress and is completed
-- by running it again (bills are unique per home, fee item and period).
CREATE TABLE billing_runs (
    id             uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    estate_id      uuid NOT NULL REFERENCES estates (id),
    period         text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$'),
    period_start   date NOT NULL,
    period_end     date NOT NULL CHECK (period_end > period_start),
    state          text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'completed')),
    homes_total    int NOT NULL DEFAULT 0,
    homes_done     int NOT NULL DEFAULT 0,
    bills_created  int NOT NULL DEFAULT 0,
    amount_fen     bigint NOT NULL DEFAULT 0,
    credit_applied_fen bigint NOT NULL DEFAULT 0,
    last_home_id   uuid,  -- homes are billed in id order: where a stopped run goes on
    attempts       int NOT NULL DEFAULT 0,
    last_error     text,
    requested_by   uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    started_at     timestamptz,
    finished_at    timestamptz,
    UNIQUE (estate_id, period)
);
CREATE INDEX billing_runs_estate ON billing_runs (estate_id, period_start DESC, id);
CREATE INDEX billing_runs_open ON billing_runs (created_at) WHERE state <> 'completed';

-- A bill of one home for one fee item and period. lines: the priced lines (each rounded once), amount_fen their sum.
-- paid_fen: applied from payments and credit; waived_fen: forgiven by a waiver; refunded_fen: paid money given back.
CREATE TABLE bills (
    id             uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    estate_id      uuid NOT NULL REFERENCES estates (id),
    home_id        uuid NOT NULL REFERENCES homes (id),
    fee_item_id    uuid NOT NULL,
    run_id         uuid REFERENCES billing_runs (id),
    period         text NOT NULL,
    period_start   date NOT NULL,
    period_end     date NOT NULL CHECK (period_end > period_start),
    due_date       date NOT NULL,
    amount_fen     bigint NOT NULL CHECK (amount_fen > 0 AND amount_fen <= 1000000000000),
    paid_fen       bigint NOT NULL DEFAULT 0 CHECK (paid_fen >= 0),
    waived_fen     bigint NOT NULL DEFAULT 0 CHECK (waived_fen >= 0),
    refunded_fen   bigint NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0 AND refunded_fen <= paid_fen),
    state          text NOT NULL DEFAULT 'issued'
                   CHECK (state IN ('issued', 'partly_paid', 'paid', 'waived', 'cancelled')),
    lines          jsonb NOT NULL,
    reason         text CHECK (length(reason) BETWEEN 1 AND 200),
    version        int NOT NULL DEFAULT 1,
    issued_at      timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (fee_item_id, estate_id) REFERENCES fee_items (id, estate_id),
    UNIQUE (home_id, fee_item_id, period_start),
    CHECK (paid_fen + waived_fen <= amount_fen),
    CHECK (state <> 'issued' OR (paid_fen = 0 AND waived_fen = 0)),
    CHECK (state <> 'partly_paid' OR (paid_fen > 0 AND paid_fen < amount_fen AND waived_fen = 0)),
    CHECK (state <> 'paid' OR (paid_fen = amount_fen AND waived_fen = 0)),
    CHECK (state <> 'waived' OR (waived_fen > 0 AND paid_fen + waived_fen = amount_fen)),
    CHECK (state <> 'cancelled' OR (paid_fen = 0 AND waived_fen = 0)),
    CHECK ((state IN ('waived', 'cancelled')) = (reason IS NOT NULL))
);
CREATE INDEX bills_home ON bills (home_id, id DESC);
CREATE INDEX bills_open_home ON bills (home_id, due_date, period_start, id) WHERE state IN ('issued', 'partly_paid');
CREATE INDEX bills_open_estate ON bills (estate_id, home_id) WHERE state IN ('issued', 'partly_paid');
CREATE INDEX bills_run ON bills (run_id);

-- What happened to a bill: issued, each payment or credit applied, waived, cancelled, refunded. Append-only.
CREATE TABLE bill_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bill_id     uuid NOT NULL REFERENCES bills (id),
    action      text NOT NULL,
    from_state  text,
    to_state    text NOT NULL,
    amount_fen  bigint NOT NULL DEFAULT 0,
    reason      text,
    entry_id    bigint REFERENCES ledger_entries (id),
    ref         text,
    actor_id    uuid REFERENCES users (id),
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bill_events_bill ON bill_events (bill_id, id);

ALTER TABLE ledger_entries ADD FOREIGN KEY (bill_id) REFERENCES bills (id);

CREATE TRIGGER bill_events_append_only BEFORE UPDATE OR DELETE ON bill_events
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

-- Reminders of arrears sent to a home's residents (inbox and push through the outbox).
CREATE TABLE bill_reminders (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    estate_id        uuid NOT NULL REFERENCES estates (id),
    home_id          uuid NOT NULL REFERENCES homes (id),
    outstanding_fen  bigint NOT NULL CHECK (outstanding_fen > 0),
    bills            int NOT NULL,
    recipients       int NOT NULL,
    outbox_id        bigint,
    sent_by          uuid REFERENCES users (id) ON DELETE SET NULL,
    sent_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bill_reminders_home ON bill_reminders (home_id, sent_at DESC);

-- the maintenance fund ---------------------------------------------------------------------------------------------

-- The estate's first-deposit rate (fen per m² of the area that counts), set by the fund's administrator.
CREATE TABLE fund_rates (
    estate_id     uuid PRIMARY KEY REFERENCES estates (id),
    rate_fen_m2   bigint NOT NULL CHECK (rate_fen_m2 BETWEEN 1 AND 10000000),
    updated_by    uuid REFERENCES users (id) ON DELETE SET NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Each home's place in the fund: its first deposit (the amount the 30 % top-up rule measures against), and the
-- open top-up notice, if one was sent since its balance last fell below the threshold.
CREATE TABLE fund_homes (
    home_id            uuid PRIMARY KEY REFERENCES homes (id),
    estate_id          uuid NOT NULL REFERENCES estates (id),
    area               bigint NOT NULL CHECK (area > 0),
    rate_fen_m2        bigint NOT NULL CHECK (rate_fen_m2 > 0),
    first_deposit_fen  bigint NOT NULL CHECK (first_deposit_fen > 0),
    first_entry_id     bigint NOT NULL REFERENCES ledger_entries (id),
    topup_notice_at    timestamptz,
    topup_outbox_id    bigint,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fund_homes_estate ON fund_homes (estate_id, home_id);

-- Fund income shared among the homes, once per estate and date (the bank's interest settlement).
CREATE TABLE fund_interest_runs (
    id           uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    estate_id    uuid NOT NULL REFERENCES estates (id),
    as_of        date NOT NULL,
    amount_fen   bigint NOT NULL CHECK (amount_fen > 0),
    homes        int NOT NULL,
    received_entry_id  bigint NOT NULL REFERENCES ledger_entries (id),  -- fund bank vs fund interest
    shared_entry_id    bigint NOT NULL REFERENCES ledger_entries (id),  -- fund interest vs each home's share
    memo         text NOT NULL DEFAULT '',
    actor_id     uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (estate_id, as_of)
);
