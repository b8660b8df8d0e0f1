/**
 * A tiny gRPC server for the `greet` task type: `node --import tsx examples/executors/greeter-server.ts`
 * listens on GREETER_ADDRESS (127.0.0.1:50051 by default).
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export async function startGreeter(
  address = process.env.GREETER_ADDRESS ?? '127.0.0.1:50051',
): Promise<{ address: string; stop(): Promise<void> }> {
  const definition = protoLoader.loadSync(fileURLToPath(new URL('./greeter.proto', import.meta.url)), {
    keepCase: true,
    defaults: true,
  });
  const { Greeter } = grpc.loadPackageDefinition(definition).greeter as grpc.GrpcObject;
  const server = new grpc.Server();
  server.addService((Greeter as grpc.ServiceClientConstructor).service, {
    SayHello(call: grpc.ServerUnaryCall<{ name: string }, unknown>, callback: grpc.sendUnaryData<unknown>) {
      if (!call.request.name) callback({ code: grpc.status.INVALID_ARGUMENT, details: 'name is required' });
      else callback(null, { message: `Hello, ${call.request.name}!` });
    },
  });
  const [host] = address.split(':');
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: `${host}:${port}`,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { address } = await startGreeter();
  console.log(`greeter listening on ${address}`);
}
