-- DGAIR authentication of títulos (spec met-titulos.md §1.10, §2.8): a private institution with
-- federal RVOE asks for títulos already registered through the MET to be authenticated, paying per
-- título; this service adds the Autenticacion node sealed with its authority key.

CREATE SEQUENCE dgair_solicitud_numero START WITH 1000001;

-- A solicitud de autenticación: QA ones are test solicitudes, active at once; production ones are
-- paid (línea de captura or card) and activate 48 h / 24 h later, like MEC folios.
CREATE TABLE dgair_solicitud (
  id bigserial PRIMARY KEY,
  numero text NOT NULL UNIQUE,
  environment text NOT NULL CHECK (environment IN ('qa', 'prod')),
  cve_institucion text NOT NULL REFERENCES institution ON DELETE CASCADE,
  usuario text NOT NULL,
  titulos integer NOT NULL CHECK (titulos > 0),
  payment_method text CHECK (payment_method IN ('prueba', 'linea-de-captura', 'tarjeta')),
  linea_captura text,
  paid_at timestamptz,
  active_from timestamptz,
  processed_at timestamptz,
  created_at timestamptz NOT NULL
);
CREATE INDEX dgair_solicitud_by_institution ON dgair_solicitud (cve_institucion, environment, id DESC);
CREATE INDEX dgair_solicitud_due ON dgair_solicitud (active_from) WHERE processed_at IS NULL;

-- One authentication per título registration, whichever solicitudes asked for it: UNIQUE
-- (titulo_id) makes processing idempotent even when two solicitudes race for the same título.
CREATE TABLE titulo_autenticacion (
  id bigserial PRIMARY KEY,
  titulo_id bigint NOT NULL UNIQUE REFERENCES titulo ON DELETE CASCADE,
  folio_digital uuid NOT NULL UNIQUE,
  fecha_autenticacion text NOT NULL,
  no_certificado_autoridad text NOT NULL,
  xml bytea NOT NULL,
  authenticated_at timestamptz NOT NULL
);

-- The títulos a solicitud asks for, in request order, and each one's outcome once processed.
CREATE TABLE dgair_solicitud_titulo (
  solicitud_id bigint NOT NULL REFERENCES dgair_solicitud ON DELETE CASCADE,
  position integer NOT NULL,
  folio_control text NOT NULL,
  titulo_id bigint NOT NULL REFERENCES titulo ON DELETE CASCADE,
  outcome text CHECK (outcome IN ('autenticado', 'rechazado')),
  autenticacion_id bigint REFERENCES titulo_autenticacion ON DELETE CASCADE,
  reason_code text,
  reason text,
  PRIMARY KEY (solicitud_id, position),
  CHECK ((outcome = 'autenticado') = (autenticacion_id IS NOT NULL)),
  CHECK ((outcome = 'rechazado') = (reason_code IS NOT NULL))
);
CREATE INDEX dgair_solicitud_titulo_by_autenticacion ON dgair_solicitud_titulo (autenticacion_id);
