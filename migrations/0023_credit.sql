-- Credit evaluation of property companies (物业服务企业信用评价, issue 12 §4, DOMAIN.md §12): the scheme (weights of
-- the five indicators, the complaints cap, the grade bands) as one row an admin can change, and the indexes the
-- monthly figures of housing/credit.py need. The formula is written out in housing/credit.py.

-- The one scheme (id is always true). Weights in points out of 100 (they add up to 100); an indicator weighing 0
-- is listed but not scored. complaints_cap: the complaints per 100 homes in a month that score 0 points (0
-- complaints score every point, linearly in between). Grade bands: the lowest score of A, B, C and D, strictly
-- descending; below D's is E. Defaults: complaints 20, escalations 15, on-time repairs 25, satisfaction 25, filing
-- compliance 15; cap 5 complaints per 100 homes; bands 90 / 75 / 60 / 40 as the city's indicators (§3).
CREATE TABLE credit_scheme (
    id                    boolean PRIMARY KEY DEFAULT true CHECK (id),
    complaints_weight     numeric(5, 2) NOT NULL CHECK (complaints_weight BETWEEN 0 AND 100),
    escalations_weight    numeric(5, 2) NOT NULL CHECK (escalations_weight BETWEEN 0 AND 100),
    on_time_weight        numeric(5, 2) NOT NULL CHECK (on_time_weight BETWEEN 0 AND 100),
    satisfaction_weight   numeric(5, 2) NOT NULL CHECK (satisfaction_weight BETWEEN 0 AND 100),
    filing_weight         numeric(5, 2) NOT NULL CHECK (filing_weight BETWEEN 0 AND 100),
    complaints_cap        numeric(6, 2) NOT NULL CHECK (complaints_cap > 0 AND complaints_cap <= 1000),
    grade_a               numeric(5, 2) NOT NULL,
    grade_b               numeric(5, 2) NOT NULL,
    grade_c               numeric(5, 2) NOT NULL,
    grade_d               numeric(5, 2) NOT NULL,
    updated_by            uuid REFERENCES users (id) ON DELETE SET NULL,
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CHECK (complaints_weight + escalations_weight + on_time_weight + satisfaction_weight + filing_weight = 100),
    CHECK (100 >= grade_a AND grade_a > grade_b AND grade_b > grade_c AND grade_c > grade_d AND grade_d > 0)
);

INSERT INTO credit_scheme (complaints_weight, escalations_weight, on_time_weight, satisfaction_weight,
                           filing_weight, complaints_cap, grade_a, grade_b, grade_c, grade_d)
VALUES (20, 15, 25, 25, 15, 5, 90, 75, 60, 40);

-- Complaints by the time they were reported, ratings by the time they were given, steps by due time: each figure
-- takes the rows of its month.
CREATE INDEX repairs_complaints_created ON repairs (created_at, estate_id) WHERE kind = 'complaint';
CREATE INDEX repairs_rated ON repairs (rated_at, estate_id) WHERE rated_at IS NOT NULL;
CREATE INDEX repair_deadlines_due ON repair_deadlines (due_at);
