// `jobs.list`: newest first (submitted_at desc, job_id breaking ties, so pages are stable), by
// offset or by cursor (`starting_after`, the job_id of the last job of the previous page).

import { NotFoundError } from '../errors.js';
import type { ListQuery, ListResponse } from '../wire.js';
import type { JobRecord } from './job-record.js';

const newestFirst = (a: JobRecord, b: JobRecord) => b.submitted_at - a.submitted_at || a.job_id.localeCompare(b.job_id);

export function listJobs(jobs: Map<string, JobRecord>, req: ListQuery, now = Date.now()): ListResponse {
  const all = [...jobs.values()].filter((j) => !req.status || j.status === req.status).sort(newestFirst);
  let start = req.offset ?? 0;
  if (req.starting_after !== undefined) {
    const cursor = jobs.get(req.starting_after);
    if (!cursor) {
      const message = `no job with id "${req.starting_after}" to continue after (it may have been deleted; list from the start or by offset)`;
      throw new NotFoundError(`starting_after: ${message}`, { details: [{ field: 'starting_after', message }] });
    }
    // Placed by its sort key, so a cursor whose status changed since (no longer matching) still works.
    start = all.findIndex((j) => newestFirst(cursor, j) < 0);
    if (start < 0) start = all.length;
  }
  const page = all.slice(start, start + req.limit);
  return { jobs: page.map((j) => j.summary(now)), total: all.length, limit: req.limit, offset: start, has_more: start + page.length < all.length };
}
