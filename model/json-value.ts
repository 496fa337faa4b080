// Values the API passes through as they were stored (audit old/new, a re-import's changed fields): any
// JSON. The OpenAPI document names the JSON types instead of an untyped `{}`.
import { z } from 'zod';

export const JsonValue = z.unknown().meta({
  id: 'JsonValue',
  description: 'Any JSON value, as stored',
  type: ['string', 'number', 'boolean', 'null', 'array', 'object'],
} as Record<string, unknown>);
