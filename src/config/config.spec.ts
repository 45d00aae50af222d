import { ConfigError, loadConfig, maskUrl } from './config.js';

describe('loadConfig (SPEC section 4)', () => {
  it('applies the documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      databaseUrl: undefined,
      redisUrl: undefined,
      port: 3000,
      role: 'all',
      adminApiKey: undefined,
      webhookAllowPrivateNetworks: false,
      logLevel: 'info',
      production: false,
    });
    expect(config.dataDir).toBe(`${process.cwd()}/.data`);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:5432/app',
      REDIS_URL: 'rediss://:pw@cache:6380/2',
      DATA_DIR: '/var/lib/cfu',
      PORT: '8080',
      PROCESS_ROLE: 'worker',
      ADMIN_API_KEY: 'a'.repeat(40),
      ADVISOR_JWT_SECRET: 'b'.repeat(40),
      ENCRYPTION_KEY: 'c'.repeat(64),
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      NODE_ENV: 'production',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://u:p@db:5432/app',
      redisUrl: 'rediss://:pw@cache:6380/2',
      dataDir: '/var/lib/cfu',
      port: 8080,
      role: 'worker',
      webhookAllowPrivateNetworks: true,
      production: true,
    });
  });

  it('limits REST per center and caps advisor JWT lifetimes by default; iss and aud are opt-in', () => {
    expect(loadConfig({})).toMatchObject({
      restRateLimitPerMinute: 6000,
      advisorJwtMaxLifetimeSeconds: 86400,
      advisorJwtIssuer: undefined,
      advisorJwtAudience: undefined,
    });
    expect(
      loadConfig({
        REST_RATE_LIMIT_PER_MINUTE: '120',
        ADVISOR_JWT_MAX_LIFETIME_SECONDS: '3600',
        ADVISOR_JWT_ISSUER: 'https://portal.example',
        ADVISOR_JWT_AUDIENCE: 'career-followup',
      }),
    ).toMatchObject({
      restRateLimitPerMinute: 120,
      advisorJwtMaxLifetimeSeconds: 3600,
      advisorJwtIssuer: 'https://portal.example',
      advisorJwtAudience: 'career-followup',
    });
  });

  it('treats empty variables as unset, as compose files and shells do', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' })).toMatchObject({ databaseUrl: undefined, port: 3000 });
  });

  it.each([
    [
      'DATABASE_URL',
      'mysql://localhost/db',
      /DATABASE_URL: must be a URL starting with postgres:\/\/ or postgresql:\/\//,
    ],
    ['DATABASE_URL', 'not a url', /DATABASE_URL: must be a URL/],
    ['REDIS_URL', 'http://cache', /REDIS_URL: must be a URL starting with redis:\/\/ or rediss:\/\//],
    ['PORT', 'abc', /PORT: must be an integer between 0 and 65535/],
    ['PORT', '70000', /PORT: must be an integer between 0 and 65535/],
    ['PROCESS_ROLE', 'scheduler', /PROCESS_ROLE: must be one of: all, api, worker/],
    ['ADMIN_API_KEY', 'short', /ADMIN_API_KEY: must be at least 32 characters/],
    ['ADVISOR_JWT_SECRET', 'short', /ADVISOR_JWT_SECRET: must be at least 32 characters/],
    ['ENCRYPTION_KEY', 'abc', /ENCRYPTION_KEY: must be 32 bytes/],
    ['WEBHOOK_ALLOW_PRIVATE_NETWORKS', 'maybe', /WEBHOOK_ALLOW_PRIVATE_NETWORKS: must be true or false/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: must be one of/],
    ['REST_RATE_LIMIT_PER_MINUTE', '0', /REST_RATE_LIMIT_PER_MINUTE: must be an integer between 1 and/],
    [
      'ADVISOR_JWT_MAX_LIFETIME_SECONDS',
      '30',
      /ADVISOR_JWT_MAX_LIFETIME_SECONDS: must be an integer between 60/,
    ],
    ['ADVISOR_JWT_MAX_LIFETIME_SECONDS', '1d', /ADVISOR_JWT_MAX_LIFETIME_SECONDS: must be an integer/],
  ])('rejects %s=%s with a message naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('reports every bad variable at once, one line each, without echoing values', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'x', PROCESS_ROLE: 'y', DATABASE_URL: 'mysql://user:hunter2@db/x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(3);
    expect((error as ConfigError).message).not.toContain('hunter2');
  });

  it('masks passwords in URLs for the logs', () => {
    expect(maskUrl('postgres://app:s3cret@db:5432/x')).toBe('postgres://app:***@db:5432/x');
    expect(maskUrl('redis://cache:6379')).toBe('redis://cache:6379');
  });
});
