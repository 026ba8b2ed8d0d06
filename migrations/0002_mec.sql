-- MEC (certificados electrónicos, DGAIR): MEC registry (campuses, signer per campus, study plans),
-- folios with their attempts, and authenticated certificates. Uploads reuse lote/documento (kind).

ALTER TABLE institution ADD COLUMN id_mec text UNIQUE;
ALTER TABLE institution ADD COLUMN mec_production_granted_at timestamptz;

CREATE TABLE mec_campus (
  cve_institucion text NOT NULL REFERENCES institution ON DELETE CASCADE,
  id_campus text NOT NULL,
  nombre text NOT NULL DEFAULT '',
  id_entidad_federativa text NOT NULL,
  PRIMARY KEY (cve_institucion, id_campus)
);

-- One active responsible signer per campus; replacing it deactivates the previous one.
CREATE TABLE mec_campus_signer (
  id bigserial PRIMARY KEY,
  cve_institucion text NOT NULL,
  id_campus text NOT NULL,
  signer_id bigint NOT NULL REFERENCES signer ON DELETE CASCADE,
  active boolean NOT NULL DEFAULT true,
  assigned_at timestamptz NOT NULL,
  replaced_at timestamptz,
  FOREIGN KEY (cve_institucion, id_campus) REFERENCES mec_campus ON DELETE CASCADE
);
CREATE UNIQUE INDEX mec_campus_signer_active ON mec_campus_signer (cve_institucion, id_campus) WHERE active;

-- Study plans, versioned: only one current version per carrera and clavePlan; certificates keep
-- pointing at the version they were authenticated under.
CREATE TABLE mec_plan (
  id bigserial PRIMARY KEY,
  cve_institucion text NOT NULL REFERENCES institution ON DELETE CASCADE,
  id_carrera text NOT NULL,
  clave_plan text NOT NULL,
  version integer NOT NULL,
  is_current boolean NOT NULL,
  content jsonb NOT NULL,
  imported_at timestamptz NOT NULL,
  UNIQUE (cve_institucion, id_carrera, clave_plan, version)
);
CREATE UNIQUE INDEX mec_plan_current ON mec_plan (cve_institucion, id_carrera, clave_plan) WHERE is_current;

-- ID_ASIGNATURA is unique per institution: registered once, for one carrera.
CREATE TABLE mec_asignatura (
  cve_institucion text NOT NULL REFERENCES institution ON DELETE CASCADE,
  id_asignatura text NOT NULL,
  id_carrera text NOT NULL,
  clave_asignatura text NOT NULL DEFAULT '',
  PRIMARY KEY (cve_institucion, id_asignatura)
);

CREATE SEQUENCE mec_folio_numero START WITH 1000001;

CREATE TABLE mec_folio (
  id bigserial PRIMARY KEY,
  folio text NOT NULL UNIQUE,
  environment text NOT NULL CHECK (environment IN ('qa', 'prod')),
  cve_institucion text NOT NULL REFERENCES institution ON DELETE CASCADE,
  certificados integer NOT NULL CHECK (certificados > 0),
  payment_method text CHECK (payment_method IN ('prueba', 'linea-de-captura', 'tarjeta')),
  linea_captura text,
  paid_at timestamptz,
  active_from timestamptz,
  attempts_used integer NOT NULL DEFAULT 0 CHECK (attempts_used BETWEEN 0 AND 3),
  authenticated integer NOT NULL DEFAULT 0 CHECK (authenticated >= 0),
  created_at timestamptz NOT NULL,
  CHECK (authenticated <= certificados)
);
CREATE INDEX mec_folio_by_institution ON mec_folio (cve_institucion, environment, id DESC);

ALTER TABLE lote ADD COLUMN kind text NOT NULL DEFAULT 'titulos' CHECK (kind IN ('titulos', 'certificados'));
ALTER TABLE lote ADD COLUMN mec_folio_id bigint REFERENCES mec_folio ON DELETE CASCADE;
ALTER TABLE lote ADD COLUMN attempt_no integer;
CREATE UNIQUE INDEX lote_folio_attempt ON lote (mec_folio_id, attempt_no) WHERE mec_folio_id IS NOT NULL;

CREATE TABLE mec_certificado (
  id bigserial PRIMARY KEY,
  environment text NOT NULL,
  cve_institucion text NOT NULL REFERENCES institution ON DELETE CASCADE,
  mec_folio_id bigint NOT NULL REFERENCES mec_folio ON DELETE CASCADE,
  lote_id bigint NOT NULL,
  position integer NOT NULL,
  plan_id bigint REFERENCES mec_plan,
  folio_control text NOT NULL,
  folio_digital uuid NOT NULL UNIQUE,
  id_campus text NOT NULL DEFAULT '',
  id_carrera text NOT NULL DEFAULT '',
  curp text NOT NULL DEFAULT '',
  nombre text NOT NULL DEFAULT '',
  primer_apellido text NOT NULL DEFAULT '',
  segundo_apellido text NOT NULL DEFAULT '',
  numero_control text NOT NULL DEFAULT '',
  xml bytea NOT NULL,
  authenticated_at timestamptz NOT NULL,
  cancellation_requested_at timestamptz,
  cancellation_effective_at timestamptz,
  cancellation_reason text,
  FOREIGN KEY (lote_id, position) REFERENCES documento ON DELETE CASCADE
);
CREATE INDEX mec_certificado_by_folio_control ON mec_certificado (cve_institucion, folio_control);
CREATE INDEX mec_certificado_by_folio ON mec_certificado (mec_folio_id);
