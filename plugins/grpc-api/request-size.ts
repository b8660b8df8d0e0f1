import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';

/**
 * Remembers each decoded request's size in bytes, so handlers can answer an oversized request
 * with the product's code (41301) like the HTTP API's body limit, and which requests did not
 * decode at all, so handlers answer them as invalid input. grpc-js's own receive limit,
 * set higher, stays the hard cap on what is read at all.
 */
export class RequestSizes {
  private readonly sizes = new WeakMap<object, number>();
  /** Requests whose bytes were not a message of their type (see `track`). */
  private readonly undecodable = new WeakSet<object>();

  of(request: unknown): number {
    return typeof request === 'object' && request !== null ? (this.sizes.get(request) ?? 0) : 0;
  }

  /** true when the request's bytes did not decode: the handler answers INVALID_ARGUMENT. */
  failedToDecode(request: unknown): boolean {
    return typeof request === 'object' && request !== null && this.undecodable.has(request);
  }

  /** The service definition with each method's deserializer noting the size of what it decodes. */
  track(service: ServiceDefinition): ServiceDefinition {
    const tracked: Record<string, MethodDefinition<unknown, unknown>> = {};
    for (const [name, method] of Object.entries(service as Record<string, MethodDefinition<unknown, unknown>>)) {
      tracked[name] = {
        ...method,
        requestDeserialize: (bytes: Buffer) => {
          let request: unknown;
          try {
            request = method.requestDeserialize(bytes);
          } catch {
            // grpc-js would answer INTERNAL ("Error deserializing request"): bad input is the
            // client's fault, so the handler gets a marker and answers INVALID_ARGUMENT / 40001.
            const marker = {};
            this.undecodable.add(marker);
            return marker;
          }
          if (typeof request === 'object' && request !== null) this.sizes.set(request, bytes.length);
          return request;
        },
      };
    }
    return tracked as ServiceDefinition;
  }
}
