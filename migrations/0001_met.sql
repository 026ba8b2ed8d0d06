-- MET (títulos electrónicos) foundation: registry, lotes, per-file results, registered títulos.
-- Statements end with ';' at the end of a line: the runner splits on that.

CREATE TABLE institution (
  cve_institucion text PRIMARY KEY,
  nombre text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Web-service users: one per environment, as SEP issues usuariomet.qa* and usuarioMET.prod* separately.
CREATE TABLE ws_user (
  usuario text PRIMARY KEY,
  cve_institucion text NOT NULL REFERENCES institution ON DELETE CASCADE,
  environment text NOT NULL CHECK (environment IN ('qa', 'prod')),
  password_hash text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE signer (
  id bigserial PRIMARY KEY,
  cve_institucion text NOT NULL REFERENCES institution ON DELETE CASCADE,
  sha256 text NOT NULL,
  numero_certificado text NOT NULL,
  curp text NOT NULL,
  rfc text,
  nombre text NOT NULL,
  id_cargo integer,
  cargo text,
  valid_from timestamptz NOT NULL,
  valid_to timestamptz NOT NULL,
  der bytea NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  UNIQUE (cve_institucion, sha256)
);

-- Authority certificates trusted to verify Autenticacion/@selloAutenticacion.
CREATE TABLE authority_certificate (
  numero_certificado text PRIMARY KEY,
  sha256 text NOT NULL UNIQUE,
  nombre text NOT NULL,
  der bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The emulated RENAPO registry: CURP -> official name.
CREATE TABLE renapo_person (
  curp text PRIMARY KEY,
  nombre text NOT NULL,
  primer_apellido text NOT NULL,
  segundo_apellido text NOT NULL DEFAULT ''
);

-- numeroLote is a global sequence per environment (SEP's metqa and met hosts count separately).
CREATE SEQUENCE lote_numero_qa START WITH 100001;
CREATE SEQUENCE lote_numero_prod START WITH 300001;

CREATE TABLE lote (
  id bigserial PRIMARY KEY,
  environment text NOT NULL CHECK (environment IN ('qa', 'prod')),
  numero_lote bigint NOT NULL,
  cve_institucion text NOT NULL REFERENCES institution ON DELETE CASCADE,
  usuario text NOT NULL,
  channel text NOT NULL,
  nombre_archivo text NOT NULL,
  archivo_bytes integer NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'processed')),
  attempts integer NOT NULL DEFAULT 0,
  lease_owner text,
  lease_expires_at timestamptz,
  received_at timestamptz NOT NULL,
  started_at timestamptz,
  processed_at timestamptz,
  total integer,
  registered integer,
  rejected integer,
  UNIQUE (environment, numero_lote)
);
CREATE INDEX lote_claimable ON lote (id) WHERE status <> 'processed';

-- The uploaded file in 1 MiB pieces: drivers send and receive bytea as hex text, so one 50 MB
-- value would cost two 100 MB strings in memory; pieces keep that transient small.
CREATE TABLE lote_archivo (
  lote_id bigint NOT NULL REFERENCES lote ON DELETE CASCADE,
  seq integer NOT NULL,
  bytes bytea NOT NULL,
  PRIMARY KEY (lote_id, seq)
);
CREATE INDEX lote_by_institution ON lote (cve_institucion, received_at DESC);

-- One row per XML file of a lote, or one row naming the package itself when it failed as a whole.
CREATE TABLE documento (
  lote_id bigint NOT NULL REFERENCES lote ON DELETE CASCADE,
  position integer NOT NULL,
  archivo text NOT NULL,
  folio_control text NOT NULL DEFAULT '',
  estatus smallint NOT NULL CHECK (estatus IN (1, 2)),
  descripcion text NOT NULL,
  checks jsonb NOT NULL,
  xml bytea,
  PRIMARY KEY (lote_id, position)
);

-- Registered títulos: a folioControl is unique per environment and institution until cancelled.
CREATE TABLE titulo (
  id bigserial PRIMARY KEY,
  environment text NOT NULL,
  cve_institucion text NOT NULL REFERENCES institution ON DELETE CASCADE,
  folio_control text NOT NULL,
  lote_id bigint NOT NULL,
  position integer NOT NULL,
  curp text NOT NULL DEFAULT '',
  nombre text NOT NULL DEFAULT '',
  primer_apellido text NOT NULL DEFAULT '',
  segundo_apellido text NOT NULL DEFAULT '',
  registered_at timestamptz NOT NULL,
  cancelled_at timestamptz,
  mot_cancelacion text,
  FOREIGN KEY (lote_id, position) REFERENCES documento ON DELETE CASCADE
);
CREATE UNIQUE INDEX titulo_folio_vigente ON titulo (environment, cve_institucion, folio_control) WHERE cancelled_at IS NULL;
CREATE INDEX titulo_by_folio ON titulo (cve_institucion, folio_control);
