-- The working-time calendar: an admin's overrides of the official calendar (chinese_calendar's public
-- holidays and make-up working days, or Monday to Friday for years it does not cover). One row per day:
-- workday = true makes the day a working day, false a day off (a typhoon, a local holiday).

CREATE TABLE calendar_overrides (
    day         date PRIMARY KEY,
    workday     boolean NOT NULL,
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    updated_by  uuid REFERENCES users (id),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
