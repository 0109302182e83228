import { z } from 'zod';
import { MissionSchema } from './schema.js';

/**
 * The editor JSON Schema, generated from the same zod schema the loader uses.
 * `io: 'input'` describes what a user writes (e.g. timeout as "5m"), not the parsed result.
 */
export function missionJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(MissionSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema: $schema ?? 'https://json-schema.org/draft/2020-12/schema',
    title: 'Flotilla mission',
    ...rest,
    additionalProperties: false,
  };
}
