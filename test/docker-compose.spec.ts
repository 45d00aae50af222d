import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { KNOWN_ENV_VARS } from '../src/config/env.schema.js';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

/** No Docker engine runs here, so the compose file is checked as data: services, wiring and variables. */
describe('docker/compose.yml', () => {
  const compose = parse(readFileSync(new URL('../docker/compose.yml', import.meta.url), 'utf8'), {
    merge: true,
  }) as {
    services: Record<string, ComposeService>;
  };
  const services = compose.services;
  const appServices = ['migrate', 'api', 'worker-1', 'worker-2'];

  it('has PostgreSQL, Redis, a one-shot migration, the API and two workers, with health checks', () => {
    expect(Object.keys(services).sort()).toEqual([
      'api',
      'migrate',
      'postgres',
      'redis',
      'worker-1',
      'worker-2',
    ]);
    for (const name of ['postgres', 'redis', 'api', 'worker-1', 'worker-2']) {
      expect(services[name].healthcheck?.test.length).toBeGreaterThan(0);
    }
    expect(services.migrate.command).toEqual(['node', 'dist/src/database/migrate.main.js']);
    expect(services.api.environment?.PROCESS_ROLE).toBe('api');
    expect(services['worker-1'].environment?.PROCESS_ROLE).toBe('worker');
    expect(services['worker-2'].environment?.PROCESS_ROLE).toBe('worker');
    for (const name of ['api', 'worker-1', 'worker-2']) {
      expect(services[name].depends_on?.migrate?.condition).toBe('service_completed_successfully');
    }
  });

  it('runs Redis the way BullMQ needs it in production', () => {
    const command = services.redis.command!.join(' ');
    expect(command).toContain('--maxmemory-policy noeviction');
    expect(command).toContain('--appendonly yes');
  });

  it('sets only variables the configuration schema knows, and everything the service needs in production', () => {
    for (const name of appServices) {
      for (const variable of Object.keys(services[name].environment ?? {})) {
        expect(KNOWN_ENV_VARS).toContain(variable);
      }
    }
    for (const name of ['api', 'worker-1', 'worker-2']) {
      expect(Object.keys(services[name].environment!)).toEqual(
        expect.arrayContaining([
          'DATABASE_URL',
          'REDIS_URL',
          'ADMIN_API_KEY',
          'ADVISOR_JWT_SECRET',
          'ENCRYPTION_KEY',
          'PROCESS_ROLE',
        ]),
      );
    }
  });

  it('builds from a Dockerfile that runs as a non-root user with production dependencies only', () => {
    const dockerfile = readFileSync(new URL('../docker/Dockerfile', import.meta.url), 'utf8');
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(dockerfile).toMatch(/^USER app$/m);
  });
});
