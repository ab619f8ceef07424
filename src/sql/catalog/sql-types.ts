// Column types of CREATE TABLE, by name: Arroyo's spellings mapped onto Rivulet's field types.

import type { FieldType } from '../../types.js';

const TYPES: Record<string, FieldType> = {
  INT: 'int32', INTEGER: 'int32', INT4: 'int32', SMALLINT: 'int32', INT2: 'int32', TINYINT: 'int32',
  BIGINT: 'int64', INT8: 'int64',
  DOUBLE: 'float64', 'DOUBLE PRECISION': 'float64', FLOAT: 'float64', FLOAT8: 'float64', FLOAT4: 'float64',
  REAL: 'float64', NUMERIC: 'float64', DECIMAL: 'float64',
  TEXT: 'utf8', VARCHAR: 'utf8', STRING: 'utf8', CHAR: 'utf8', 'CHARACTER VARYING': 'utf8',
  BOOLEAN: 'bool', BOOL: 'bool',
  TIMESTAMP: 'timestamp', TIMESTAMPTZ: 'timestamp', 'TIMESTAMP WITH TIME ZONE': 'timestamp', 'TIMESTAMP WITHOUT TIME ZONE': 'timestamp',
};

export const SUPPORTED_TYPES = 'INT, BIGINT, DOUBLE, TEXT, BOOLEAN, TIMESTAMP';

/** The field type of a data type as written (`BIGINT`, `timestamp(3)`, `VARCHAR(20)`), or undefined. */
export function fieldTypeOf(written: string): FieldType | undefined {
  const name = written.replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim().toUpperCase();
  return Object.hasOwn(TYPES, name) ? TYPES[name] : undefined;
}
