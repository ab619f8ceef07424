// A small HTTP client for the API tests: JSON requests with an optional bearer token, and a
// Server-Sent Events reader over fetch's body stream.

export interface HttpReply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface HttpOptions {
  body?: unknown;
  /** Sent as is (not JSON-encoded) when a string. */
  raw?: string;
  token?: string;
}

export async function http<T = any>(base: string, method: string, path: string, o: HttpOptions = {}): Promise<HttpReply<T>> {
  const headers: Record<string, string> = {};
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let body: string | undefined = o.raw;
  if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

/** The events of a `text/event-stream` body, as they arrive; comments are skipped. */
export async function* sseEvents(res: Response): AsyncGenerator<SseEvent> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += value;
      let end: number;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const ev: SseEvent = { event: 'message', data: '' };
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const i = line.indexOf(':');
          const [k, v] = i < 0 ? [line, ''] : [line.slice(0, i), line.slice(i + 1).replace(/^ /, '')];
          if (k === 'data') data.push(v);
          else if (k === 'event') ev.event = v;
          else if (k === 'id') ev.id = v;
        }
        if (data.length === 0) continue;
        ev.data = data.join('\n');
        yield ev;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
