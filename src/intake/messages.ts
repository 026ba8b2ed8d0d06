/**
 * The Spanish texts the emulator writes in DESCRIPCION for intake failures, all in one place.
 *
 * SEP's real wording for package and XML errors has never been seen (spec met-titulos §5.2), so these
 * follow two fixed templates that users can rely on:
 *   `Estructura del archivo XML no válida: <motivo>`   for one document's bytes (XML-*)
 *   `Archivo no válido: <motivo>`                      for the uploaded file or zip (PKG-*)
 */

const xml = (motivo: string): string => `Estructura del archivo XML no válida: ${motivo}`;
const pkg = (motivo: string): string => `Archivo no válido: ${motivo}`;

export const SEP_XML = {
  tooLarge: (max: number) => xml(`el documento excede el tamaño máximo de ${max} bytes`),
  notUtf8: () => xml('el documento no está codificado en UTF-8'),
  declaredEncoding: (encoding: string) => xml(`la codificación declarada ${encoding} no es UTF-8`),
  doctype: () => xml('no se permiten declaraciones DOCTYPE ni entidades'),
  syntax: (line: number, column: number) => xml(`error de sintaxis en la línea ${line}, columna ${column}`),
  unreadable: () => xml('el documento no se puede leer'),
  duplicateAttribute: (attribute: string, node: string) =>
    xml(`el atributo ${attribute} está repetido en el nodo ${node}`),
  depth: (max: number) => xml(`los nodos están anidados a más de ${max} niveles`),
  attributeLength: (attribute: string, node: string, max: number) =>
    xml(`el atributo ${attribute} del nodo ${node} excede ${max} caracteres`),
  attributeCount: (node: string, max: number) => xml(`el nodo ${node} tiene más de ${max} atributos`),
  nodes: (max: number) => xml(`el documento tiene más de ${max} nodos y atributos`),
} as const;

export const SEP_PACKAGE = {
  empty: () => pkg('el archivo está vacío'),
  tooLarge: (max: number) => pkg(`el archivo excede el tamaño máximo de ${max} bytes`),
  format: () => pkg('no es un archivo XML ni un archivo ZIP'),
  corrupt: () => pkg('el archivo ZIP está dañado o no se puede leer'),
  corruptEntry: (entry: string) => pkg(`el archivo ${entry} dentro del ZIP está dañado o no se puede leer`),
  encrypted: (entry: string) => pkg(`el archivo ${entry} dentro del ZIP está cifrado o protegido con contraseña`),
  entries: (max: number) => pkg(`el archivo ZIP contiene más de ${max} archivos`),
  name: (entry: string) =>
    pkg(`el nombre ${entry} dentro del ZIP no es un archivo .xml en la raíz (no se permiten carpetas)`),
  duplicate: (entry: string) => pkg(`el archivo ${entry} está repetido dentro del ZIP`),
  entrySize: (entry: string, max: number) => pkg(`el archivo ${entry} dentro del ZIP excede ${max} bytes`),
  totalSize: (max: number) => pkg(`el contenido del ZIP excede ${max} bytes al descomprimirse`),
  ratio: (entry: string, max: number) =>
    pkg(`el archivo ${entry} dentro del ZIP excede la tasa de compresión permitida (${max}:1)`),
  crc: (entry: string) => pkg(`el archivo ${entry} dentro del ZIP no supera la verificación CRC-32`),
  noXml: () => pkg('el archivo ZIP no contiene archivos XML'),
} as const;
