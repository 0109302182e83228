import { describe, expect, test } from 'vitest';
import { missionJsonSchema } from '../../src/mission/json-schema.js';

interface JsonObject {
  $schema?: string;
  title?: string;
  type?: string;
  required?: string[];
  additionalProperties?: unknown;
  properties?: Record<string, JsonObject>;
  items?: JsonObject;
  enum?: string[];
  minItems?: number;
  default?: unknown;
}

describe('mission JSON Schema', () => {
  const schema = missionJsonSchema() as JsonObject;

  test('is a closed object that requires name and orchestrators', () => {
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(schema.title).toBe('Flotilla mission');
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'orchestrators']));
    expect(schema.properties?.orchestrators?.minItems).toBe(1);
  });

  test('nested objects reject unknown keys too, and enums are listed', () => {
    const orchestrator = schema.properties?.orchestrators?.items;
    expect(orchestrator?.additionalProperties).toBe(false);
    expect(orchestrator?.required).toEqual(['name']);
    expect(orchestrator?.properties?.role?.default).toBe('developer');
    expect(schema.properties?.agent?.properties?.kind?.enum).toEqual(['claude', 'codex', 'aider', 'gemini', 'generic', 'sim']);
  });

  test('describes what a user writes: timeout accepts "5m" as well as a number', () => {
    const timeout = JSON.stringify(schema.properties?.tasks?.items?.properties?.timeout);
    expect(timeout).toContain('"number"');
    expect(timeout).toContain('"string"');
  });
});
