-- Report numbers from one sequence per local day instead of a counter row: every submission of a day used to
-- queue on that row's lock until it committed (bench/submit_report.py). nextval never waits; a number a
-- rolled-back submission took is simply skipped.
CREATE FUNCTION next_report_number(day date) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    seq text := 'report_number_' || to_char(day, 'YYYYMMDD');
BEGIN
    IF to_regclass(seq) IS NULL THEN
        BEGIN  -- the first report of a day; two at once: one creates, the other finds it
            EXECUTE format('CREATE SEQUENCE %I', seq);
        EXCEPTION WHEN duplicate_table OR unique_violation THEN
            NULL;
        END;
    END IF;
    RETURN nextval(seq);
END $$;

DROP TABLE report_number_counters;
