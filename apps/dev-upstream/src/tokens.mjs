// @ts-check
/**
 * Deterministic, plausible token counts (no tokenizer):
 *   text tokens        = ceil(characters / 4)          (characters = JS string length)
 *   prompt_tokens      = ceil(total chars of all message contents / 4) + 3 per message
 *   completion_tokens  = ceil(chars of the generated text / 4)
 *   total_tokens       = prompt_tokens + completion_tokens
 */
import { textOfContent } from './messages.mjs';

/** @param {string} text */
export function textTokens(text) {
  return Math.ceil(text.length / 4);
}

/** @param {unknown[]} messages */
export function promptTokens(messages) {
  let chars = 0;
  for (const m of messages) chars += textOfContent(/** @type {any} */ (m)?.content).length;
  return Math.ceil(chars / 4) + 3 * messages.length;
}

/**
 * @param {number} prompt
 * @param {number} completion
 */
export function chatUsage(prompt, completion) {
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}
