import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';

/**
 * Remembers each decoded request's size in bytes, so handlers can answer an oversized request
 * with the product's code (41301) like the HTTP API's body limit. grpc-js's own receive limit,
 * set higher, stays the hard cap on what is read at all.
 */
export class RequestSizes {
  private readonly sizes = new WeakMap<object, number>();

  of(request: unknown): number {
    return typeof request === 'object' && request !== null ? (this.sizes.get(request) ?? 0) : 0;
  }

  /** The service definition with each method's deserializer noting the size of what it decodes. */
  track(service: ServiceDefinition): ServiceDefinition {
    const tracked: Record<string, MethodDefinition<unknown, unknown>> = {};
    for (const [name, method] of Object.entries(service as Record<string, MethodDefinition<unknown, unknown>>)) {
      tracked[name] = {
        ...method,
        requestDeserialize: (bytes: Buffer) => {
          const request = method.requestDeserialize(bytes);
          if (typeof request === 'object' && request !== null) this.sizes.set(request, bytes.length);
          return request;
        },
      };
    }
    return tracked as ServiceDefinition;
  }
}
