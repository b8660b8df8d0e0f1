import type { PackageDefinition } from '@grpc/proto-loader';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import type { IDescriptorProto, IFileDescriptorProto } from 'protobufjs/ext/descriptor/index.js';

/**
 * proto-loader's file descriptors leave out `dependency` (the imports): task_service.proto
 * uses google.protobuf.Struct and Timestamp without saying where they come from. Reflection
 * clients that build real descriptors (grpcurl, Postman) refuse such a file, so every file
 * here gets the files that define the types it references declared as its imports.
 */
export function withDeclaredImports(definition: PackageDefinition): PackageDefinition {
  const originals = new Set<Buffer>();
  for (const entry of Object.values(definition)) for (const bytes of protosOf(entry) ?? []) originals.add(bytes);

  const files = [...originals].map((bytes) => ({
    bytes,
    file: descriptor.FileDescriptorProto.toObject(descriptor.FileDescriptorProto.decode(bytes)) as IFileDescriptorProto,
  }));
  const fileOfType = new Map<string, string>();
  for (const { file } of files) for (const name of definedTypes(file)) fileOfType.set(name, file.name ?? '');

  const rewritten = new Map<Buffer, Buffer>();
  for (const { bytes, file } of files) {
    const imports = new Set<string>(file.dependency ?? []);
    for (const type of referencedTypes(file)) {
      const home = fileOfType.get(type.replace(/^\./, ''));
      if (home && home !== file.name) imports.add(home);
    }
    file.dependency = [...imports].sort();
    rewritten.set(
      bytes,
      Buffer.from(
        descriptor.FileDescriptorProto.encode(
          descriptor.FileDescriptorProto.fromObject(file as Record<string, unknown>),
        ).finish(),
      ),
    );
  }

  const patched: PackageDefinition = {};
  for (const [name, entry] of Object.entries(definition)) {
    const protos = protosOf(entry);
    patched[name] = protos
      ? ({ ...entry, fileDescriptorProtos: protos.map((bytes) => rewritten.get(bytes) ?? bytes) } as typeof entry)
      : entry;
  }
  return patched;
}

/** Message and enum entries carry their file descriptors; service entries do not. */
function protosOf(entry: unknown): Buffer[] | undefined {
  const protos = (entry as { fileDescriptorProtos?: unknown }).fileDescriptorProtos;
  return Array.isArray(protos) ? (protos as Buffer[]) : undefined;
}

/** Fully qualified names (no leading dot) of the messages, enums and services a file defines. */
function definedTypes(file: IFileDescriptorProto): string[] {
  const prefix = file.package ? `${file.package}.` : '';
  const names: string[] = [];
  const walk = (message: IDescriptorProto, scope: string) => {
    const name = `${scope}${message.name}`;
    names.push(name);
    for (const nested of message.nestedType ?? []) walk(nested, `${name}.`);
    for (const enumType of message.enumType ?? []) names.push(`${name}.${enumType.name}`);
  };
  for (const message of file.messageType ?? []) walk(message, prefix);
  for (const enumType of file.enumType ?? []) names.push(`${prefix}${enumType.name}`);
  for (const service of file.service ?? []) names.push(`${prefix}${service.name}`);
  return names;
}

/** The type names a file's fields and methods refer to, as written (".google.protobuf.Struct"). */
function referencedTypes(file: IFileDescriptorProto): string[] {
  const types: string[] = [];
  const walk = (message: IDescriptorProto) => {
    for (const field of message.field ?? []) if (field.typeName) types.push(field.typeName);
    for (const nested of message.nestedType ?? []) walk(nested);
  };
  for (const message of file.messageType ?? []) walk(message);
  for (const service of file.service ?? [])
    for (const method of service.method ?? []) types.push(method.inputType ?? '', method.outputType ?? '');
  return types.filter(Boolean);
}
