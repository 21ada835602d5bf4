import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../src/index.js';
import { call, type SimHarness, startTestSimulator } from './helpers.js';

type Parameter = { name?: string; in?: string; $ref?: string };
type Operation = { parameters?: Parameter[] };
type Swagger = { paths: Record<string, Record<string, Operation>>; parameters: Record<string, Parameter> };

// Strava's published OpenAPI 2 document (https://developers.strava.com/swagger/swagger.json), copied verbatim.
const swagger = JSON.parse(
  readFileSync(new URL('./fixtures/swagger.json', import.meta.url), 'utf8'),
) as Swagger;

function queryParameters(operation: Operation): string[] {
  return (operation.parameters ?? [])
    .map((p) => (p.$ref ? swagger.parameters[p.$ref.replace('#/parameters/', '')] : p))
    .filter((p): p is Parameter => p !== undefined && p.in === 'query')
    .map((p) => p.name ?? '');
}

describe('the simulated API matches swagger.json', () => {
  it.each(API_ROUTES.filter((r) => r.inSwagger).map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s exists in swagger.json with the query parameters it reads',
    (_name, route) => {
      const operation = swagger.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path} missing from swagger.json`).toBeDefined();
      const allowed = queryParameters(operation ?? {});
      for (const name of route.query) expect(allowed, `${route.path}?${name}`).toContain(name);
    },
  );

  it('only push_subscriptions (absent from swagger.json, as docs/strava-api.md says) are served outside it', () => {
    const outside = API_ROUTES.filter((r) => !r.inSwagger).map((r) => r.path);
    for (const p of outside) expect(p).toMatch(/^\/push_subscriptions/);
  });

  describe('live routing', () => {
    let sim: SimHarness;
    let token: string;
    beforeAll(async () => {
      sim = await startTestSimulator();
      const athleteId = (await sim.control.createAthlete({ firstname: 'Ana' })).id;
      token = (await sim.control.issueToken({ athleteId })).access_token;
    });
    afterAll(() => sim.close());

    const routeNotFound = {
      message: 'Record Not Found',
      errors: [{ resource: 'resource', field: 'path', code: 'invalid' }],
    };
    const operations = Object.entries(swagger.paths).flatMap(([p, methods]) =>
      Object.keys(methods)
        .filter((m) => ['get', 'post', 'put', 'delete'].includes(m))
        .map((m) => [m.toUpperCase(), p] as const),
    );

    it('serves exactly the table: every other swagger path answers the route-not-found body', async () => {
      const served = new Set(API_ROUTES.map((r) => `${r.method} ${r.path}`));
      for (const [method, p] of operations) {
        const url = `${sim.apiUrl}${p.replace(/\{\w+\}/g, '1')}`;
        const res = await call(url, { method, token });
        if (served.has(`${method} ${p}`)) expect(res.json, `${method} ${p}`).not.toEqual(routeNotFound);
        else expect(res.json, `${method} ${p}`).toEqual(routeNotFound);
      }
    });
  });
});
