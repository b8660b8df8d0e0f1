/**
 * JSON ↔ google.protobuf.Struct / Value in @grpc/proto-loader's object form
 * (`{ fields: { k: { numberValue: 1 } } }`, with `kind` naming the set member on decode).
 */
import { InvalidParameterError, type JsonObject, type JsonValue } from '../../core/index.ts';

export interface ProtoValue {
  nullValue?: 'NULL_VALUE' | 0;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: ProtoStruct;
  listValue?: { values?: ProtoValue[] };
  kind?: string;
}

export interface ProtoStruct {
  fields?: Record<string, ProtoValue>;
}

export function toProtoValue(value: JsonValue): ProtoValue {
  if (value === null) return { nullValue: 'NULL_VALUE' };
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (Array.isArray(value)) return { listValue: { values: value.map(toProtoValue) } };
  return { structValue: toProtoStruct(value) };
}

export function toProtoStruct(object: JsonObject): ProtoStruct {
  const fields: Record<string, ProtoValue> = {};
  for (const [key, value] of Object.entries(object)) fields[key] = toProtoValue(value);
  return { fields };
}

export function fromProtoValue(value: ProtoValue | null | undefined): JsonValue {
  if (!value) return null;
  const kind = value.kind ?? Object.keys(value).find((key) => key.endsWith('Value'));
  switch (kind) {
    case 'numberValue': {
      const number = value.numberValue ?? 0;
      // JSON has no NaN or Infinity; storing one would silently turn it into null.
      if (!Number.isFinite(number))
        throw new InvalidParameterError('invalid parameter json_payload: numbers must be finite', {
          field: 'json_payload',
        });
      return number;
    }
    case 'stringValue':
      return value.stringValue ?? '';
    case 'boolValue':
      return value.boolValue ?? false;
    case 'structValue':
      return fromProtoStruct(value.structValue);
    case 'listValue':
      return (value.listValue?.values ?? []).map(fromProtoValue);
    default:
      return null;
  }
}

export function fromProtoStruct(struct: ProtoStruct | null | undefined): JsonObject {
  const object: JsonObject = {};
  for (const [key, value] of Object.entries(struct?.fields ?? {})) object[key] = fromProtoValue(value);
  return object;
}
