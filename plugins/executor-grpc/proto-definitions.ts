import { createHash } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { NonRetryableError } from '../../core/index.ts';
import { isInlineProto, type GrpcCallConfig } from './executor-config.ts';

/**
 * JSON in, JSON out: field names as written in the proto, 64-bit integers and enums as strings,
 * bytes as base64, and every field present in responses (defaults included).
 */
const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  bytes: String,
  defaults: true,
  oneofs: true,
};

export interface UnaryMethod {
  path: string;
  serialize(value: unknown): Buffer;
  deserialize(bytes: Buffer): unknown;
}

/**
 * Proto sources parsed once per text (inline) or path (file), then methods looked up by
 * service and name. A bad proto, an unknown service or method, or a streaming method is a
 * non-retryable failure.
 */
export class ProtoDefinitions {
  private readonly packages = new Map<string, protoLoader.PackageDefinition>();

  method(config: GrpcCallConfig): UnaryMethod {
    const definition = this.load(config)[config.service];
    if (!definition || !isServiceDefinition(definition)) {
      throw new NonRetryableError(`service "${config.service}" is not in the proto`);
    }
    const method = definition[config.method];
    if (!method) throw new NonRetryableError(`service "${config.service}" has no method "${config.method}"`);
    if (method.requestStream || method.responseStream) {
      throw new NonRetryableError(
        `${config.service}/${config.method} is a streaming method; only unary calls are supported`,
      );
    }
    return { path: method.path, serialize: method.requestSerialize, deserialize: method.responseDeserialize };
  }

  private load(config: GrpcCallConfig): protoLoader.PackageDefinition {
    const inline = isInlineProto(config.proto);
    const key = inline
      ? `text:${createHash('sha256').update(config.proto).digest('hex')}`
      : `file:${config.proto}|${config.includeDirs.join(',')}`;
    let definition = this.packages.get(key);
    if (!definition) {
      try {
        definition = inline ? fromText(config.proto) : fromFile(config.proto, config.includeDirs);
      } catch (error) {
        throw new NonRetryableError(
          `cannot load the proto (${inline ? 'inline text' : config.proto}): ${(error as Error).message}`,
          { cause: error },
        );
      }
      this.packages.set(key, definition);
    }
    return definition;
  }
}

function fromFile(path: string, includeDirs: string[]): protoLoader.PackageDefinition {
  const absolute = isAbsolute(path) ? path : resolve(process.cwd(), path);
  return protoLoader.loadSync(absolute, {
    ...LOADER_OPTIONS,
    includeDirs: includeDirs.map((d) => resolve(process.cwd(), d)),
  });
}

function fromText(text: string): protoLoader.PackageDefinition {
  const { root } = protobuf.parse(text, { keepCase: true });
  return protoLoader.fromJSON(root.toJSON(), LOADER_OPTIONS);
}

function isServiceDefinition(
  value: unknown,
): value is grpc.ServiceDefinition & Record<string, protoLoader.MethodDefinition<object, object>> {
  // Messages and enums carry a `format`; services are plain maps of method definitions.
  return typeof value === 'object' && value !== null && !('format' in value);
}
