/**
 * The trace entry schema as JSON Schema (draft 2020-12), generated from the zod schema so the two
 * cannot disagree. `lab trace schema` prints it; docs/trace-schema.json is a copy that a unit test
 * keeps equal to this output.
 */
import { z } from 'zod';
import { traceEntrySchema } from './schema.js';

export function traceEntryJsonSchema(): Record<string, unknown> {
  // io 'input' describes what a reader accepts. Readers drop fields they do not know (z.object
  // strips them), which is what lets an optional field be added without a version bump; 'output'
  // would add additionalProperties: false and make the JSON Schema stricter than the lab itself.
  // Anything zod cannot express in JSON Schema (a transform, a Date...) throws here, and so fails
  // the unit test, instead of being silently left out.
  const { $schema, title, description, ...rest } = z.toJSONSchema(traceEntrySchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' });
  return { $schema, title, description, ...rest }; // what it is, before how it is made
}

/** What `lab trace schema` prints and docs/trace-schema.json holds. */
export function traceEntryJsonSchemaText(): string {
  return `${JSON.stringify(traceEntryJsonSchema(), null, 2)}\n`;
}
