/** Clients of the standard gRPC services (health, reflection), built from their published protos. */
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  credentials,
  loadPackageDefinition,
  type Client,
  type ClientDuplexStream,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProto } from 'grpc-health-check';

const require = createRequire(import.meta.url);
const REFLECTION_PROTO = path.join(
  path.dirname(require.resolve('@grpc/reflection/package.json')),
  'build/proto/grpc/reflection/v1/reflection.proto',
);
const OPTIONS = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true } as const;

type ClientConstructor = new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => Client;

export interface HealthClient {
  check(service: string): Promise<{ status: string }>;
  close(): void;
}

export function healthClient(address: string): HealthClient {
  const loaded = loadPackageDefinition(loadSync(healthProto, OPTIONS)) as unknown as {
    grpc: { health: { v1: { Health: ClientConstructor } } };
  };
  const client = new loaded.grpc.health.v1.Health(address, credentials.createInsecure());
  const check = (client as unknown as Record<string, (...args: unknown[]) => void>).Check!;
  return {
    check: (service) =>
      new Promise((resolve, reject) =>
        check.call(client, { service }, (error: ServiceError | null, response: { status: string }) =>
          error ? reject(error) : resolve(response),
        ),
      ),
    close: () => client.close(),
  };
}

/** One grpc.reflection.v1 ServerReflectionInfo exchange: the first answer to `request`. */
export function reflect(address: string, request: object): Promise<ReflectionAnswer> {
  const loaded = loadPackageDefinition(loadSync(REFLECTION_PROTO, OPTIONS)) as unknown as {
    grpc: { reflection: { v1: { ServerReflection: ClientConstructor } } };
  };
  const client = new loaded.grpc.reflection.v1.ServerReflection(address, credentials.createInsecure());
  const open = (client as unknown as Record<string, () => ClientDuplexStream<object, ReflectionAnswer>>)
    .ServerReflectionInfo!;
  const stream = open.call(client);
  return new Promise<ReflectionAnswer>((resolve, reject) => {
    stream.on('data', (response) => {
      resolve(response);
      stream.end();
    });
    stream.on('error', reject);
    stream.write(request);
  }).finally(() => client.close());
}

export interface ReflectionAnswer {
  list_services_response?: { service: { name: string }[] };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  error_response?: { error_code: number; error_message: string };
}

/** The service names the server lists through reflection. */
export async function listServices(address: string): Promise<string[]> {
  const answer = await reflect(address, { list_services: '' });
  return (answer.list_services_response?.service ?? []).map((entry) => entry.name);
}
