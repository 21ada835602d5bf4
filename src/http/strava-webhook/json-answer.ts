import type { ServerResponse } from 'node:http';
import { errorBody } from '../errors.js';

/**
 * The headers of every answer on the delivery path (docs/scaling.md#the-ack-path):
 * what res.json and helmet gave a JSON answer that matters to a JSON client.
 * The rest of helmet's set (CSP, frame and cross-origin policies) governs how
 * a browser renders a page; no browser reads these answers.
 */
const JSON_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'X-Content-Type-Options': 'nosniff',
} as const;

export type JsonAnswer = { status: number; body: Buffer; headers: Record<string, string | number> };

/** An answer serialised once (the ack, the fixed refusals), headers included, reused for every request. */
export function jsonAnswer(status: number, body: unknown): JsonAnswer {
  const bytes = Buffer.from(JSON.stringify(body));
  return { status, body: bytes, headers: { ...JSON_HEADERS, 'Content-Length': bytes.length } };
}

/** A docs/contract.md#error-shape answer. */
export function errorAnswer(status: number, code: string, message: string): JsonAnswer {
  return jsonAnswer(status, errorBody(code, message));
}

/**
 * Writes the whole answer in one go (writeHead + end: no ETag, no header
 * bookkeeping). Returns the status written, or 0 when an answer was already
 * under way (nothing is written twice).
 */
export function sendJsonAnswer(
  res: ServerResponse,
  answer: JsonAnswer,
  extraHeaders?: Record<string, string>,
): number {
  if (res.headersSent) return 0;
  res.writeHead(answer.status, extraHeaders ? { ...answer.headers, ...extraHeaders } : answer.headers);
  res.end(answer.body);
  return answer.status;
}
