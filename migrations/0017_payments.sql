-- Paying bills online (DOMAIN.md §11): orders with a provider, what each pays, the provider's callbacks as
-- evidence, refunds, receipts numbered per estate per year, and the daily reconciliation's findings.

-- An order: one resident paying one or more bills of their homes in one estate (and perhaps some credit ahead)
-- through one channel. The amount is the server's, from the bills. pending -> paid | closed | expired;
-- expired: no longer holds its bills (a new order may take them) but is still asked of the provider by the
-- worker until it is known paid (then applied: the money is real) or closed there.
CREATE TABLE payment_orders (
    id                       uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    out_trade_no             text NOT NULL UNIQUE CHECK (out_trade_no ~ '^[0-9A-Za-z_*-]{6,32}$'),
    estate_id                uuid NOT NULL REFERENCES estates (id),
    payer_id                 uuid NOT NULL REFERENCES users (id),
    channel                  text NOT NULL CHECK (channel IN ('wechat', 'alipay')),
    amount_fen               bigint NOT NULL CHECK (amount_fen > 0 AND amount_fen <= 1000000000000),
    currency                 text NOT NULL DEFAULT 'CNY' CHECK (currency = 'CNY'),
    state                    text NOT NULL DEFAULT 'pending'
                             CHECK (state IN ('pending', 'paid', 'closed', 'expired')),
    app_payment              jsonb NOT NULL,  -- what the app needs to pay (调起支付), answered again on a retry
    provider_transaction_id  text UNIQUE,
    paid_at                  timestamptz,
    receipt_no               text,
    refunded_fen             bigint NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0 AND refunded_fen <= amount_fen),
    expires_at               timestamptz NOT NULL,
    next_query_at            timestamptz NOT NULL,  -- when the worker asks the provider next (pending, expired)
    queries                  int NOT NULL DEFAULT 0,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    UNIQUE (estate_id, receipt_no),
    CHECK ((state = 'paid') = (provider_transaction_id IS NOT NULL AND paid_at IS NOT NULL
                                AND receipt_no IS NOT NULL))
);
CREATE INDEX payment_orders_payer ON payment_orders (payer_id, id DESC);
CREATE INDEX payment_orders_to_query ON payment_orders (next_query_at) WHERE state IN ('pending', 'expired');
CREATE INDEX payment_orders_paid_at ON payment_orders (paid_at) WHERE paid_at IS NOT NULL;

-- What an order pays: a bill's outstanding amount when the order was made, or credit ahead (bill_id NULL).
-- A bill is held by at most one open order (the unique index): a second order of it is refused.
CREATE TABLE payment_order_lines (
    order_id    uuid NOT NULL REFERENCES payment_orders (id),
    line        int NOT NULL,
    home_id     uuid NOT NULL REFERENCES homes (id),
    bill_id     uuid REFERENCES bills (id),
    amount_fen  bigint NOT NULL CHECK (amount_fen > 0),
    holds       boolean NOT NULL DEFAULT true,  -- the order still holds the bill (pending)
    PRIMARY KEY (order_id, line)
);
CREATE UNIQUE INDEX payment_order_lines_held ON payment_order_lines (bill_id) WHERE holds AND bill_id IS NOT NULL;
CREATE INDEX payment_order_lines_bill ON payment_order_lines (bill_id) WHERE bill_id IS NOT NULL;

-- Every callback believed (verified), kept as evidence, and what was done with it.
CREATE TABLE payment_callbacks (
    id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel                  text NOT NULL,
    kind                     text NOT NULL CHECK (kind IN ('payment', 'refund')),
    out_trade_no             text NOT NULL,
    provider_transaction_id  text NOT NULL DEFAULT '',
    refund_no                text,
    order_id                 uuid REFERENCES payment_orders (id),
    outcome                  text NOT NULL CHECK (outcome IN ('applied', 'duplicate', 'flagged', 'unknown_order',
                                                              'not_final', 'refund_applied', 'refund_failed')),
    flag                     text,  -- amount_mismatch, currency_mismatch, ...: a person has to look
    amount_fen               bigint,
    currency                 text,
    raw                      jsonb NOT NULL,
    received_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_callbacks_order ON payment_callbacks (order_id, id);
CREATE INDEX payment_callbacks_flagged ON payment_callbacks (received_at) WHERE flag IS NOT NULL;

-- A refund through the provider: a manager's (a bill's payment given back, with a reason) or automatic (a bill
-- paid twice: the second payment's surplus given back). requested -> processing -> succeeded | closed | abnormal.
-- The ledger moves once, when the provider says it succeeded (entry_id).
CREATE TABLE payment_refunds (
    id            uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    refund_no     text NOT NULL UNIQUE CHECK (refund_no ~ '^[0-9A-Za-z_*@-]{1,64}$'),
    order_id      uuid NOT NULL REFERENCES payment_orders (id),
    home_id       uuid NOT NULL REFERENCES homes (id),
    bill_id       uuid REFERENCES bills (id),  -- NULL: credit given back (automatic refunds)
    kind          text NOT NULL CHECK (kind IN ('manual', 'duplicate')),
    amount_fen    bigint NOT NULL CHECK (amount_fen > 0),
    reason        text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
    state         text NOT NULL DEFAULT 'requested'
                  CHECK (state IN ('requested', 'processing', 'succeeded', 'closed', 'abnormal')),
    provider_refund_id text,
    entry_id      bigint REFERENCES ledger_entries (id),
    requested_by  uuid REFERENCES users (id),
    succeeded_at  timestamptz,  -- when the provider says the money went back
    next_query_at timestamptz NOT NULL DEFAULT now(),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((state = 'succeeded') = (entry_id IS NOT NULL)),
    CHECK ((kind = 'manual') = (bill_id IS NOT NULL))
);
CREATE INDEX payment_refunds_order ON payment_refunds (order_id);
CREATE INDEX payment_refunds_open ON payment_refunds (next_query_at) WHERE state IN ('requested', 'processing');

-- Receipt numbers: a gapless sequence per estate per year (the row is locked while a number is taken).
CREATE TABLE receipt_counters (
    estate_id  uuid NOT NULL REFERENCES estates (id),
    year       int NOT NULL,
    last       int NOT NULL CHECK (last >= 0),
    PRIMARY KEY (estate_id, year)
);

-- The daily reconciliation (对账) of one channel: what differed between our payments and the statement.
CREATE TABLE payment_reconciliations (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel       text NOT NULL CHECK (channel IN ('wechat', 'alipay')),
    day           date NOT NULL,
    ours_fen      bigint NOT NULL,
    theirs_fen    bigint NOT NULL,
    matched       int NOT NULL,
    differences   jsonb NOT NULL,  -- [{kind, out_trade_no, refund_no, ours_fen, theirs_fen, estate_id}]
    run_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_reconciliations_day ON payment_reconciliations (day, channel, id DESC);
