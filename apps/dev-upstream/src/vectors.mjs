// @ts-check
/** Deterministic embedding vectors from a SHA-256 of the input (unit length, float32). */
import { createHash } from 'node:crypto';

export const DEFAULT_DIMENSIONS = 8;

/**
 * @param {string} text
 * @param {number} [dimensions]
 * @returns {Float32Array}
 */
export function embed(text, dimensions = DEFAULT_DIMENSIONS) {
  const out = new Float32Array(dimensions);
  let block = 0;
  /** @type {Buffer} */
  let bytes = createHash('sha256').update(text).digest();
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    const off = (i % 16) * 2;
    if (i > 0 && off === 0) bytes = createHash('sha256').update(`${++block}:${text}`).digest();
    const v = bytes.readUInt16BE(off) / 32767.5 - 1; // [-1, 1]
    out[i] = v;
    norm += v * v;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < dimensions; i++) out[i] /= norm;
  return out;
}

/** @param {Float32Array} vec */
export function toBase64(vec) {
  return Buffer.from(vec.buffer, vec.byteOffset, vec.byteLength).toString('base64');
}
