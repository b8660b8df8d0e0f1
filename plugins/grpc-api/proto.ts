import { fileURLToPath } from 'node:url';
import { loadPackageDefinition, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { withDeclaredImports } from './declared-imports.ts';

/** The API's contract, at the repository root so clients of any language can use it. */
export const TASK_SERVICE_PROTO = fileURLToPath(new URL('../../proto/task_service.proto', import.meta.url));
export const TASK_SERVICE_NAME = 'taskservice.TaskService';

/** snake_case field names as in the proto, plain numbers, enums by name, defaults filled in. */
export const LOADER_OPTIONS: Options = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true };

export interface LoadedProtos {
  /** TaskService and grpc.health.v1, for server reflection. */
  definition: PackageDefinition;
  taskService: ServiceDefinition;
}

export function loadProtos(): LoadedProtos {
  const definition = withDeclaredImports(loadSync([TASK_SERVICE_PROTO, healthProtoPath], LOADER_OPTIONS));
  const loaded = loadPackageDefinition(definition) as unknown as {
    taskservice: { TaskService: { service: ServiceDefinition } };
  };
  return { definition, taskService: loaded.taskservice.TaskService.service };
}
