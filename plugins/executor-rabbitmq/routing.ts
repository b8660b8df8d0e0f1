import { NonRetryableError, type JsonObject, type JsonValue } from '../../core/index.ts';

/** AMQP routing keys are short strings (255 bytes); no wildcard characters when publishing. */
const ROUTING_KEY = /^[^\s*#]{1,255}$/;
const EXCHANGE = /^[A-Za-z0-9_.:-]{1,255}$/;
const EXCHANGE_TYPES = ['topic', 'direct', 'fanout', 'headers'] as const;
export type ExchangeType = (typeof EXCHANGE_TYPES)[number];

export interface Route {
  exchange: string;
  exchangeType: ExchangeType;
  topic: string;
  message: JsonValue;
}

/**
 * `{topic, message}` from the payload; the exchange (and its type) from the task type's
 * `executorConfig`, else the plugin's default. A task type may also fix the topic.
 */
export function readRoute(
  payload: JsonObject,
  executorConfig: JsonObject,
  defaults: { exchange: string; exchangeType: ExchangeType },
): Route {
  const exchange = executorConfig.exchange ?? defaults.exchange;
  if (typeof exchange !== 'string' || !EXCHANGE.test(exchange))
    throw new NonRetryableError('executorConfig.exchange must be an exchange name of [A-Za-z0-9_.:-]');
  const exchangeType =
    executorConfig.exchangeType ?? (executorConfig.exchange === undefined ? defaults.exchangeType : 'topic');
  if (typeof exchangeType !== 'string' || !(EXCHANGE_TYPES as readonly string[]).includes(exchangeType)) {
    throw new NonRetryableError(`executorConfig.exchangeType must be one of ${EXCHANGE_TYPES.join(', ')}`);
  }
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
  if (!ROUTING_KEY.test(topic) || Buffer.byteLength(topic) > 255) {
    throw new NonRetryableError(
      `"${topic}" is not a routing key to publish with: up to 255 bytes, no spaces or wildcards (* #)`,
    );
  }
  if (payload.message === undefined) throw new NonRetryableError('payload.message is required');
  return { exchange, exchangeType: exchangeType as ExchangeType, topic, message: payload.message };
}

/** A string is sent as its UTF-8 bytes (text/plain); any other JSON value as JSON text. */
export function encodeMessage(message: JsonValue): { content: Buffer; contentType: string } {
  if (typeof message === 'string')
    return { content: Buffer.from(message, 'utf8'), contentType: 'text/plain; charset=utf-8' };
  return { content: Buffer.from(JSON.stringify(message), 'utf8'), contentType: 'application/json' };
}
