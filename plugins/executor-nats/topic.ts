import { NonRetryableError, type JsonObject, type JsonValue } from '../../core/index.ts';

/** A NATS subject to publish on: dot-separated tokens, no spaces, no wildcards. */
const SUBJECT = /^[^\s.*>]+(\.[^\s.*>]+)*$/;

export interface PublishRequest {
  topic: string;
  message: JsonValue;
}

/**
 * `{topic, message}` from the payload. A task type may fix the topic (`executorConfig.topic`):
 * a task then names none, or the same one.
 */
export function readPublishRequest(payload: JsonObject, executorConfig: JsonObject): PublishRequest {
  const fixed = executorConfig.topic;
  if (fixed !== undefined && typeof fixed !== 'string')
    throw new NonRetryableError('executorConfig.topic must be a string');
  const asked = payload.topic;
  if (asked !== undefined && typeof asked !== 'string') throw new NonRetryableError('payload.topic must be a string');
  if (fixed !== undefined && asked !== undefined && asked !== fixed) {
    throw new NonRetryableError(`this task type publishes on "${fixed}" only; payload.topic "${asked}" is not allowed`);
  }
  const topic = fixed ?? asked;
  if (topic === undefined) throw new NonRetryableError('payload.topic is required');
  if (topic.length > 255 || !SUBJECT.test(topic)) {
    throw new NonRetryableError(
      `"${topic}" is not a subject to publish on: dot-separated tokens without spaces or wildcards (* >)`,
    );
  }
  if (payload.message === undefined) throw new NonRetryableError('payload.message is required');
  return { topic, message: payload.message };
}

/** A string is sent as its UTF-8 bytes; any other JSON value as JSON text. */
export function encodeMessage(message: JsonValue): { bytes: Uint8Array; json: boolean } {
  if (typeof message === 'string') return { bytes: new TextEncoder().encode(message), json: false };
  return { bytes: new TextEncoder().encode(JSON.stringify(message)), json: true };
}
