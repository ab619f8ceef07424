// Which windows a row's event time falls in. Windows are aligned to the epoch, as Arroyo's: a
// tumble of size s holds [k·s, (k+1)·s); a hop of size s and slide d holds every [k·d, k·d + s)
// that contains the time. A window [start, end) is complete once the watermark reaches end − 1.

import type { WindowSpec } from '../../types.js';

export interface WindowAssigner {
  readonly size: number;
  /** Writes the starts of the windows holding time `t` into `out` (latest first); returns how many. */
  starts(t: number, out: Float64Array): number;
  /** Most windows one time can fall in: the length `out` needs. */
  readonly most: number;
}

export function windowAssigner(window: Exclude<WindowSpec, { kind: 'session' }>): WindowAssigner {
  const size = window.size_ms;
  if (window.kind === 'tumble') {
    return {
      size,
      most: 1,
      starts(t, out) {
        out[0] = Math.floor(t / size) * size;
        return 1;
      },
    };
  }
  const slide = window.slide_ms;
  return {
    size,
    most: Math.ceil(size / slide),
    starts(t, out) {
      let k = 0;
      for (let s = Math.floor(t / slide) * slide; s > t - size; s -= slide) out[k++] = s;
      return k;
    },
  };
}
