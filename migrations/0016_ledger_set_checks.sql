-- The ledger's guarantees, checked per statement and per transaction instead of per row, so that a billing run
-- of 100,000 homes (300,000 bills, their entries and 600,000 lines) is not spent in row triggers
-- (bench/billing_run.py). What is guaranteed is unchanged (migration 0015):
-- * at commit, every entry made or given lines in the transaction has at least two lines summing to zero: each
--   statement that adds entries or lines records their ids in ledger_pending_checks, and a deferred constraint
--   trigger on that table checks them set-based and forgets the row;
-- * a line's entry exists and was made in the same transaction, its account exists and belongs to the entry's
--   estate: checked set-based by the lines' statement trigger (the per-row foreign keys of the lines go: entries
--   and accounts can never be deleted anyway);
-- * an entry's estate exists and the bill it names exists: checked by the entries' statement trigger;
-- * entries, lines and accounts stay append-only (0015's triggers).
-- * a bill's home and fee item exist and belong to the bill's estate: checked by the bills' statement trigger
--   (homes and fee items with bills cannot be deleted: their ledger accounts refer to them).

ALTER TABLE ledger_lines DROP CONSTRAINT ledger_lines_entry_id_fkey;
ALTER TABLE ledger_lines DROP CONSTRAINT ledger_lines_account_id_fkey;
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_estate_id_fkey;
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_bill_id_fkey;
ALTER TABLE bills DROP CONSTRAINT bills_estate_id_fkey;
ALTER TABLE bills DROP CONSTRAINT bills_run_id_fkey;
ALTER TABLE bills DROP CONSTRAINT bills_home_id_fkey;
ALTER TABLE bills DROP CONSTRAINT bills_fee_item_id_estate_id_fkey;
DROP INDEX bills_run;

CREATE FUNCTION bills_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT n.id, n.home_id, n.fee_item_id INTO bad FROM new_bills n
    LEFT JOIN LATERAL (SELECT 1 AS ok FROM homes h WHERE h.id = n.home_id AND h.estate_id = n.estate_id OFFSET 0) h
        ON true
    LEFT JOIN LATERAL (SELECT 1 AS ok FROM fee_items f WHERE f.id = n.fee_item_id AND f.estate_id = n.estate_id
                       OFFSET 0) f ON true
    WHERE h.ok IS NULL OR f.ok IS NULL LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'bill % names a home (%) or a fee item (%) that is not of its estate', bad.id, bad.home_id,
            bad.fee_item_id USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'bills_refer';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER bills_after_insert AFTER INSERT ON bills
    REFERENCING NEW TABLE AS new_bills FOR EACH STATEMENT EXECUTE FUNCTION bills_after_insert();

DROP TRIGGER ledger_entry_balanced ON ledger_entries;
DROP FUNCTION ledger_entry_balanced();

-- Entries to check at commit: one row per statement that added entries or lines. Rows live only inside their
-- transaction (the check deletes its row; a rollback takes it away), hence unlogged.
CREATE UNLOGGED TABLE ledger_pending_checks (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entry_ids  bigint[] NOT NULL
);

CREATE FUNCTION ledger_entries_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT n.id, n.estate_id, n.bill_id INTO bad FROM new_entries n
    LEFT JOIN LATERAL (SELECT 1 AS ok FROM estates s WHERE s.id = n.estate_id OFFSET 0) s ON true
    LEFT JOIN LATERAL (SELECT 1 AS ok FROM bills b WHERE b.id = n.bill_id OFFSET 0) b ON true
    WHERE s.ok IS NULL OR (n.bill_id IS NOT NULL AND b.ok IS NULL) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger entry % names an estate (%) or a bill (%) that does not exist', bad.id, bad.estate_id,
            bad.bill_id USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'ledger_entries_refer';
    END IF;
    INSERT INTO ledger_pending_checks (entry_ids) SELECT array_agg(id) FROM new_entries;
    RETURN NULL;
END $$;

CREATE TRIGGER ledger_entries_after_insert AFTER INSERT ON ledger_entries
    REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_after_insert();

CREATE OR REPLACE FUNCTION ledger_lines_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
    touched bigint[];
    foreign_entries bigint;
    entry_estates uuid[];
    found_accounts int;
    account_estates uuid[];
BEGIN
    -- each entry named (once, by index): it exists and this transaction made it
    SELECT count(*) FILTER (WHERE e.id IS NULL OR e.xid <> pg_current_xact_id()), array_agg(DISTINCT e.estate_id)
    INTO foreign_entries, entry_estates
    FROM (SELECT DISTINCT entry_id AS id FROM new_lines) d
    LEFT JOIN LATERAL (SELECT x.id, x.xid, x.estate_id FROM ledger_entries x WHERE x.id = d.id OFFSET 0) e ON true;
    IF foreign_entries > 0 THEN
        SELECT d.id, x.id AS found INTO bad FROM (SELECT DISTINCT entry_id AS id FROM new_lines) d
        LEFT JOIN ledger_entries x ON x.id = d.id
        WHERE x.id IS NULL OR x.xid <> pg_current_xact_id() LIMIT 1;
        IF bad.found IS NOT NULL THEN
            RAISE EXCEPTION 'ledger entry % was committed already: lines are added only with their entry', bad.id
                USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'ledger_append_only';
        END IF;
        RAISE EXCEPTION 'ledger entry % does not exist', bad.id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'ledger_lines_refer';
    END IF;
    -- each account named, locked in id order (concurrent postings cannot deadlock here): it exists
    touched := ARRAY(SELECT DISTINCT account_id FROM new_lines ORDER BY account_id);
    SELECT count(*), array_agg(DISTINCT a.estate_id) INTO found_accounts, account_estates
    FROM (SELECT id, estate_id FROM ledger_accounts WHERE id = ANY (touched) ORDER BY id FOR NO KEY UPDATE) a;
    IF found_accounts <> cardinality(touched) THEN
        RAISE EXCEPTION 'a line names an account that does not exist'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'ledger_lines_refer';
    END IF;
    -- a line's account is of its entry's estate: at once when the statement is of one estate (as it nearly always
    -- is), line by line otherwise
    IF cardinality(entry_estates) <> 1 OR account_estates <> entry_estates THEN
        SELECT l.entry_id, l.account_id INTO bad FROM new_lines l
        JOIN ledger_entries e ON e.id = l.entry_id JOIN ledger_accounts a ON a.id = l.account_id
        WHERE a.estate_id <> e.estate_id LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'a line of entry % names account %, which is another estate''s', bad.entry_id,
                bad.account_id USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'ledger_lines_refer';
        END IF;
    END IF;
    UPDATE ledger_accounts a SET balance = a.balance + s.total
    FROM (SELECT account_id, sum(amount) AS total FROM new_lines GROUP BY account_id) s
    WHERE a.id = ANY (touched) AND a.id = s.account_id;
    -- entries made by this transaction are pending already (the entries' trigger); record only the others (an
    -- entry checked early by SET CONSTRAINTS ... IMMEDIATE and given lines after)
    INSERT INTO ledger_pending_checks (entry_ids)
    SELECT array_agg(DISTINCT l.entry_id) FROM new_lines l
    WHERE NOT EXISTS (SELECT 1 FROM (SELECT unnest(entry_ids) AS id FROM ledger_pending_checks) p WHERE p.id = l.entry_id)
    HAVING count(*) > 0;
    RETURN NULL;
END $$;

-- At commit (deferred): the entries a statement recorded have two or more lines summing to zero.
CREATE FUNCTION ledger_check_pending() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT u.id, s.n, s.total INTO bad
    FROM unnest(NEW.entry_ids) AS u(id)
    CROSS JOIN LATERAL (SELECT count(*) AS n, coalesce(sum(l.amount), 0) AS total
                        FROM ledger_lines l WHERE l.entry_id = u.id) s
    WHERE s.n < 2 OR s.total <> 0 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger entry % does not balance: % line(s) summing to % fen', bad.id, bad.n, bad.total
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_entry_balanced';
    END IF;
    DELETE FROM ledger_pending_checks WHERE id = NEW.id;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER ledger_entry_balanced AFTER INSERT ON ledger_pending_checks
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_pending();
