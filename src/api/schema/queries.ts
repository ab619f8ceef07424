// Schemas of the `queries.*` ops (SQL text, no job): validate.

import { z } from 'zod';
import { intIn, MAX_PARALLELISM, strictObject, type OpSchema } from './common.js';

/** One problem in a query; `line` and `column` count from 1 in the query text. */
export const QueryProblemSchema = z.object({ message: z.string(), line: z.int(), column: z.int() });

/** The logical graph of a valid query, for display: its operators and how data moves between them. */
export const QueryGraphSchema = z.object({
  nodes: z.array(z.object({ id: z.string(), name: z.string(), parallelism: z.int(), description: z.string().describe('e.g. `where amount > 10000`') })),
  edges: z.array(z.object({ from: z.string(), to: z.string(), kind: z.enum(['forward', 'shuffle']), keys: z.array(z.string()) })),
});

export const queryOps = {
  validate: {
    summary: "Every problem of a SQL query (200 even with problems) and, when valid, its graph",
    request: strictObject({
      query: z.string({ error: 'query is required (the SQL text as a string)' }),
      udfs: z.string({ error: 'udfs must be the TypeScript source of a UDF module (a string)' }).optional(),
      parallelism: intIn('parallelism', 1, MAX_PARALLELISM).default(1).describe('The parallelism of the returned graph'),
    }),
    response: z.object({ errors: z.array(QueryProblemSchema), graph: QueryGraphSchema.nullable() }),
    errors: [400],
  },
} as const satisfies Record<string, OpSchema>;

export type ValidateQueryRequest = z.input<typeof queryOps.validate.request>;
export type ValidateQueryResponse = z.infer<typeof queryOps.validate.response>;
export type QueryProblem = z.infer<typeof QueryProblemSchema>;
export type QueryGraph = z.infer<typeof QueryGraphSchema>;
