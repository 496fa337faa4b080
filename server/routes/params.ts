// Path parameters and the JSON response helper shared by the route modules. Built with the openapi-extended `z`: zod 4 attaches
// `.openapi()` to each schema when it is created, so model/ schemas (plain zod) cannot take it.
import { z } from '@hono/zod-openapi';
import { PERIOD_MESSAGE, PERIOD_PATTERN } from '../../model/progress';

export const PlanIdParam = z.object({
  planId: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'planId', in: 'path' } }),
});
export const PeriodParam = z.string().regex(PERIOD_PATTERN, PERIOD_MESSAGE);
export const PeriodParams = PlanIdParam.extend({ period: PeriodParam.openapi({ param: { name: 'period', in: 'path' }, example: '2023-03' }) });

/** An OpenAPI JSON response: its schema and description. */
export const Json = (schema: z.ZodType, description: string) => ({ content: { 'application/json': { schema } }, description });
