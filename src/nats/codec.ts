// Payload codecs: control-plane messages are msgpack, API bodies are JSON.

import { Packr } from 'msgpackr';

const packr = new Packr({ useRecords: false, moreTypes: false });
const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

export function encodeControl(value: unknown): Uint8Array {
  return packr.pack(value);
}

export function decodeControl<T>(bytes: Uint8Array): T {
  return packr.unpack(bytes) as T;
}

export function encodeJson(value: unknown): Uint8Array {
  return utf8.encode(JSON.stringify(value));
}

/** Parses a JSON body; an empty body is `{}` so `nats req subject ''` works for no-arg calls. */
export function decodeJson(bytes: Uint8Array): unknown {
  if (bytes.byteLength === 0) return {};
  return JSON.parse(utf8d.decode(bytes));
}
