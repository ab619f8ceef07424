// `queries.*`: operations on SQL text that touch no job. They need no controller state, so the
// service answers them itself (startApiService's `queries` parameter lets a test stand one in).

import { ValidationError } from '../errors.js';
import { loadUdfsCached } from '../spec/sql-spec.js';
import { validateSql } from '../sql/index.js';
import type { ValidateQueryRequest, ValidateQueryResponse } from '../wire.js';

export interface QueryApi {
  /** Every problem of the query (200 even when there are some) and, when valid, its graph. */
  validate(req: ValidateQueryRequest & { parallelism: number }): Promise<ValidateQueryResponse>;
}

/**
 * Validates with the compiler a submit would use. A UDF module that does not load is a bad
 * request (400, field `udfs`): the `errors` list is about the query text and its positions.
 */
export async function validateQuery(req: ValidateQueryRequest & { parallelism: number }, prefix: string): Promise<ValidateQueryResponse> {
  let udfs;
  if (req.udfs !== undefined) {
    try {
      udfs = await loadUdfsCached(req.udfs);
    } catch (err) {
      const e = err as ValidationError;
      throw new ValidationError(`udfs: ${e.message}`, (e.details ?? [{ message: e.message }]).map((d) => ({ ...d, field: d.field ?? 'udfs' })), err);
    }
  }
  const { errors, graph } = validateSql(req.query, { parallelism: req.parallelism, prefix, ...(udfs ? { udfs } : {}) });
  return { errors: errors.map((e) => ({ message: e.message, line: e.line, column: e.column })), graph };
}

export function sqlQueryApi(prefix: string): QueryApi {
  return { validate: (req) => validateQuery(req, prefix) };
}
