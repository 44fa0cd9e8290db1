-- Up Migration
-- The whole mission's model. PostgreSQL is the source of truth for seats and money: every transition that
-- can oversell is a conditional UPDATE whose row count is checked, so the constraints here are the last line.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE users (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email         text NOT NULL CHECK (email = lower(email) AND length(email) <= 254),
  password_hash text NOT NULL,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  role          text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);

-- Refresh tokens are stored as SHA-256 hashes. A family is one sign-in; rotation adds a row and marks the
-- parent rotated. Presenting a rotated token revokes the whole family (token theft detection).
CREATE TABLE refresh_tokens (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  family_id      uuid NOT NULL,
  token_hash     text NOT NULL,
  parent_id      uuid REFERENCES refresh_tokens (id) ON DELETE SET NULL,
  issued_at      timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  rotated_at     timestamptz,
  revoked_at     timestamptz,
  revoked_reason text
);
CREATE UNIQUE INDEX refresh_tokens_hash_key ON refresh_tokens (token_hash);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  actor_id    uuid REFERENCES users (id) ON DELETE SET NULL,
  action      text NOT NULL,
  subject     text,
  source_ip   text,
  details     jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_action_idx ON audit_log (action, occurred_at DESC);
CREATE INDEX audit_log_subject_idx ON audit_log (subject, occurred_at DESC);

CREATE TABLE venues (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name       text NOT NULL,
  address    text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE events (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  title              text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description        text NOT NULL DEFAULT '',
  venue_id           uuid REFERENCES venues (id),
  venue_name         text NOT NULL,
  starts_at          timestamptz NOT NULL,
  sales_open_at      timestamptz NOT NULL,
  sales_close_at     timestamptz NOT NULL,
  status             text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'on_sale', 'closed', 'cancelled')),
  image_url          text,
  max_seats_per_user integer NOT NULL DEFAULT 4 CHECK (max_seats_per_user > 0),
  hold_seconds       integer NOT NULL DEFAULT 300 CHECK (hold_seconds > 0),
  -- { threshold, admissionRate, sessionMinutes, preQueueOpensAt } or null when the event has no waiting room.
  waiting_room       jsonb,
  created_by         uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CHECK (sales_open_at <= sales_close_at)
);
CREATE INDEX events_starts_at_idx ON events (starts_at, id);
CREATE INDEX events_status_idx ON events (status, starts_at);

CREATE TABLE price_tiers (
  event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  tier     text NOT NULL,
  price    integer NOT NULL CHECK (price >= 0),
  PRIMARY KEY (event_id, tier)
);

CREATE TABLE seat_sections (
  id       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  name     text NOT NULL,
  sort     integer NOT NULL DEFAULT 0,
  UNIQUE (event_id, name)
);

CREATE TABLE holds (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id      uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'converted', 'released', 'expired')),
  expires_at    timestamptz NOT NULL,
  execution_arn text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  closed_at     timestamptz
);
-- One live cart per user and event.
CREATE UNIQUE INDEX holds_one_active_per_user ON holds (event_id, user_id) WHERE status = 'active';
CREATE INDEX holds_expiry_idx ON holds (expires_at) WHERE status = 'active';

CREATE TABLE reservations (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id         uuid NOT NULL REFERENCES users (id),
  event_id        uuid NOT NULL REFERENCES events (id),
  hold_id         uuid REFERENCES holds (id),
  status          text NOT NULL DEFAULT 'pending_payment'
                  CHECK (status IN ('pending_payment', 'confirmed', 'expired', 'cancelled', 'refunded')),
  total           integer NOT NULL CHECK (total >= 0),
  currency        text NOT NULL DEFAULT 'KRW',
  idempotency_key text NOT NULL,
  request_hash    text NOT NULL,
  expires_at      timestamptz NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, idempotency_key)
);
CREATE INDEX reservations_user_idx ON reservations (user_id, created_at DESC);
CREATE INDEX reservations_event_status_idx ON reservations (event_id, status);

CREATE TABLE seats (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id       uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  section_id     uuid NOT NULL REFERENCES seat_sections (id) ON DELETE CASCADE,
  row_label      text NOT NULL,
  seat_number    integer NOT NULL,
  label          text NOT NULL,
  x              real NOT NULL,
  y              real NOT NULL,
  tier           text NOT NULL,
  status         text NOT NULL DEFAULT 'available'
                 CHECK (status IN ('available', 'held', 'reserved', 'sold', 'blocked')),
  hold_id        uuid REFERENCES holds (id) ON DELETE SET NULL,
  reservation_id uuid REFERENCES reservations (id) ON DELETE SET NULL,
  version        integer NOT NULL DEFAULT 0,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (event_id, section_id, row_label, seat_number),
  FOREIGN KEY (event_id, tier) REFERENCES price_tiers (event_id, tier),
  -- A held seat belongs to a hold; a reserved or sold seat to a reservation.
  CHECK ((status = 'held') = (hold_id IS NOT NULL)),
  CHECK ((status IN ('reserved', 'sold')) = (reservation_id IS NOT NULL))
);
CREATE INDEX seats_event_status_idx ON seats (event_id, status);
CREATE INDEX seats_hold_idx ON seats (hold_id) WHERE hold_id IS NOT NULL;

CREATE TABLE ticket_types (
  id       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  name     text NOT NULL,
  price    integer NOT NULL CHECK (price >= 0),
  capacity integer NOT NULL CHECK (capacity >= 0),
  sold     integer NOT NULL DEFAULT 0,
  sort     integer NOT NULL DEFAULT 0,
  UNIQUE (event_id, name),
  -- The oversell guard for general admission: a sale that would pass capacity fails the UPDATE.
  CHECK (sold >= 0 AND sold <= capacity)
);

CREATE TABLE hold_items (
  hold_id        uuid NOT NULL REFERENCES holds (id) ON DELETE CASCADE,
  ticket_type_id uuid NOT NULL REFERENCES ticket_types (id) ON DELETE CASCADE,
  quantity       integer NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (hold_id, ticket_type_id)
);

CREATE TABLE reservation_items (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  reservation_id uuid NOT NULL REFERENCES reservations (id) ON DELETE CASCADE,
  seat_id        uuid REFERENCES seats (id),
  ticket_type_id uuid REFERENCES ticket_types (id),
  quantity       integer NOT NULL DEFAULT 1 CHECK (quantity > 0),
  unit_price     integer NOT NULL CHECK (unit_price >= 0),
  CHECK ((seat_id IS NULL) <> (ticket_type_id IS NULL))
);
CREATE INDEX reservation_items_reservation_idx ON reservation_items (reservation_id);
-- A seat appears in at most one reservation item that is still live; enforced in the use case and by seats.status.

CREATE TABLE payments (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  reservation_id    uuid NOT NULL REFERENCES reservations (id),
  user_id           uuid NOT NULL REFERENCES users (id),
  provider          text NOT NULL CHECK (provider IN ('sandbox', 'toss')),
  order_id          text NOT NULL,
  amount            integer NOT NULL CHECK (amount >= 0),
  currency          text NOT NULL DEFAULT 'KRW',
  status            text NOT NULL DEFAULT 'ready'
                    CHECK (status IN ('ready', 'in_progress', 'approved', 'failed', 'cancelled', 'refunded')),
  payment_key       text,
  idempotency_key   text NOT NULL,
  failure_code      text,
  provider_response jsonb,
  execution_arn     text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  approved_at       timestamptz,
  refunded_at       timestamptz,
  UNIQUE (order_id),
  UNIQUE (idempotency_key)
);
CREATE INDEX payments_reservation_idx ON payments (reservation_id);

-- Down Migration
DROP TABLE IF EXISTS payments, reservation_items, hold_items, ticket_types, seats, reservations, holds,
  seat_sections, price_tiers, events, venues, audit_log, refresh_tokens, users CASCADE;
