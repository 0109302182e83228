import { printJson } from '../../core/output.js';
import { missionJsonSchema } from '../../mission/json-schema.js';

/** `flotilla schema`: the mission JSON Schema, for editors (e.g. yaml-language-server). */
export async function run(): Promise<number> {
  printJson(missionJsonSchema());
  return 0;
}
