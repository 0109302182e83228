import type { z } from 'zod';
import type { SimScriptSchema } from '../mission/schema.js';

export type SimScript = z.output<typeof SimScriptSchema>;
