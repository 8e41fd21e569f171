// @ts-check
/** Request-parameter errors, OpenAI style. */
import { openAIError } from './errors.mjs';

/** @param {string} param */
export function missingParam(param) {
  return openAIError(`Missing required parameter: '${param}'.`, 'invalid_request_error', 'missing_required_parameter', param);
}

/**
 * @param {string} param
 * @param {string} message
 */
export function invalidParam(param, message) {
  return openAIError(message, 'invalid_request_error', 'invalid_value', param);
}

/**
 * `model` must be a non-empty string (any name is accepted).
 * @param {unknown} model
 */
export function checkModel(model) {
  if (model === undefined || model === null || model === '') return missingParam('model');
  if (typeof model !== 'string') return invalidParam('model', "Invalid type for 'model': expected a string.");
  return null;
}
