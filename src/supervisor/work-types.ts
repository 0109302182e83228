import type { z } from 'zod';
import type { SimDirectiveSchema } from '../mission/schema.js';

export type SimScript = z.output<typeof SimDirectiveSchema>;
