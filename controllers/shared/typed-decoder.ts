/**
 * Watch payloads into client-node's typed models (V1Pod with its Dates and model classes), as
 * ObjectSerializer.deserialize makes them, but with the work of reading the type names done once
 * per type instead of once per field of every object. ObjectSerializer parses each attribute's
 * type string ("Array<V1Container>", "{ [key: string]: string; }", "Date"...) with toLowerCase,
 * indexOf, endsWith and slice every time it meets it; a pod has hundreds of fields. In a CPU
 * profile of lab-scheduler binding 300 pods onto 500 simulated nodes, ObjectSerializer was 5.7 %
 * of its busy time and its garbage part of the collector's.
 *
 * The decoder of a type is compiled from the same metadata (the model classes' attribute maps)
 * and follows the same rules, so its output is the same: same classes, same fields (unknown ones
 * dropped), undefined left out. A test compares the two on real objects of every kind the lab
 * watches. Types ObjectSerializer would treat differently (a discriminator) go through it.
 */
import * as models from '@kubernetes/client-node';
// The typed (de)serializer is not re-exported by the package index; the package has no
// "exports" map, so this deep import is the supported way to reach it.
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';

type Decode = (data: any) => any;

interface AttributeType {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

interface ModelClass {
  new (): Record<string, unknown>;
  getAttributeTypeMap(): AttributeType[];
  discriminator?: string;
}

/** ObjectSerializer's primitive type names: values of these are kept as they are. */
const PRIMITIVES = new Set(['string', 'boolean', 'double', 'integer', 'long', 'float', 'number', 'any']);
const NULLABLE = ' | null';
const OPTIONAL = ' | undefined';
const ARRAY = /^Array<(.*)>$/s;
const MAP = /^\{ \[key: string\]: (.*); \}$/s;

const identity: Decode = (data) => data;
const compiled = new Map<string, Decode>();
/** decodeTyped's decoder for each type asked for. */
const topLevel = new Map<string, Decode>();

function modelClass(type: string): ModelClass | undefined {
  const candidate: unknown = (models as Record<string, unknown>)[type];
  if (typeof candidate !== 'function') return undefined;
  return typeof (candidate as Partial<ModelClass>).getAttributeTypeMap === 'function' ? (candidate as ModelClass) : undefined;
}

function compile(type: string): Decode {
  if (PRIMITIVES.has(type.toLowerCase())) return identity;
  if (type.endsWith(NULLABLE)) return decoderFor(type.slice(0, -NULLABLE.length));
  if (type.endsWith(OPTIONAL)) return decoderFor(type.slice(0, -OPTIONAL.length));
  const array = ARRAY.exec(type);
  if (array) {
    const item = decoderFor(array[1]!);
    return (data) => {
      if (data == undefined) return data;
      const out = [];
      for (const element of data) out.push(item(element));
      return out;
    };
  }
  const map = MAP.exec(type);
  if (map) {
    const value = decoderFor(map[1]!);
    return (data) => {
      if (data == undefined) return data;
      const out: Record<string, unknown> = {};
      for (const key in data) out[key] = value(data[key]);
      return out;
    };
  }
  if (type === 'Date') return (data) => (data == undefined ? data : new Date(data));
  const Model = modelClass(type);
  if (!Model) return identity; // as ObjectSerializer: a type it does not know is kept as it is
  if (Model.discriminator != null) return (data) => ObjectSerializer.deserialize(data, type);
  return modelDecoder(Model, Model.getAttributeTypeMap().map((a) => ({ name: a.name, baseName: a.baseName, decode: decoderFor(a.type) })));
}

/**
 * The decoder of one model class, generated as straight-line code: one statement per attribute,
 * with the names as literals. A loop over the attributes shared by every class made each property
 * store and `new Model()` megamorphic (one site for all classes): in a CPU profile of
 * lab-scheduler at its client limits, decoding was 12 % of its busy time, most of it there.
 * The names come from client-node's generated attribute maps and are quoted with JSON.stringify;
 * a value that is absent (undefined) is skipped without calling its decoder, which would return
 * it unchanged. A primitive is copied as it is.
 */
function modelDecoder(Model: ModelClass, attributes: ReadonlyArray<{ name: string; baseName: string; decode: Decode }>): Decode {
  const statements = attributes.map(({ name, baseName, decode }, i) => {
    const read = `v = data[${JSON.stringify(baseName)}];`;
    const store = `o[${JSON.stringify(name)}] = v;`;
    return decode === identity ? `${read} if (v !== undefined) ${store}` : `${read} if (v !== undefined) { v = decoders[${i}](v); if (v !== undefined) ${store} }`;
  });
  const source = `return function decode${Model.name.replace(/\W/g, '')}(data) {
  if (data == undefined) return data;
  const o = new Model();
  let v;
  ${statements.join('\n  ')}
  return o;
};`;
  return new Function('Model', 'decoders', source)(Model, attributes.map((a) => a.decode)) as Decode;
}

/** The decoder of a client-node model type name ("V1Pod"), compiled on first use. */
export function decoderFor(type: string): Decode {
  const known = compiled.get(type);
  if (known) return known;
  // A type may contain itself (JSONSchemaProps): its decoder refers to this slot until it is built.
  let built: Decode | undefined;
  compiled.set(type, (data) => built!(data));
  built = compile(type);
  compiled.set(type, built);
  return built;
}

/**
 * `data` (parsed JSON) as the model `type`, the same as ObjectSerializer.deserialize(data, type).
 * A name that is not a model class goes to ObjectSerializer, which has rules of its own for it.
 */
export function decodeTyped<T>(data: unknown, type: string): T {
  let decode = topLevel.get(type);
  if (!decode) {
    decode = modelClass(type) ? decoderFor(type) : (d) => ObjectSerializer.deserialize(d, type);
    topLevel.set(type, decode);
  }
  return decode(data) as T;
}
