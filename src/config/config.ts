import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import * as path from 'node:path';
import { EnvVars, KNOWN_ENV_VARS, type ProcessRole } from './env.schema.js';

/** The validated configuration; secrets may still be missing here and are filled in by `ensureSecrets`. */
export interface AppConfig {
  databaseUrl?: string;
  redisUrl?: string;
  dataDir: string;
  port: number;
  role: ProcessRole;
  adminApiKey?: string;
  advisorJwtSecret?: string;
  encryptionKey?: string;
  webhookAllowPrivateNetworks: boolean;
  webhookRetryScale: number;
  sweepIntervalSeconds: number;
  graphqlRateLimitPerMinute: number;
  restRateLimitPerMinute: number;
  advisorJwtMaxLifetimeSeconds: number;
  advisorJwtIssuer?: string;
  advisorJwtAudience?: string;
  queueNamespace?: string;
  policyPreviewSyncMaxStudents: number;
  logLevel: EnvVars['LOG_LEVEL'];
  production: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Validates the environment once; throws a ConfigError naming every bad variable and what is wrong with it. */
export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const raw: Record<string, string> = {};
  for (const name of KNOWN_ENV_VARS) {
    const value = env[name];
    // An empty variable means "unset", as in most shells and compose files.
    if (value !== undefined && value !== '') raw[name] = value;
  }
  const vars = plainToInstance(EnvVars, raw);
  const errors = validateSync(vars, { whitelist: true, stopAtFirstError: true });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.map(
        (e) => `${e.property}: ${Object.values(e.constraints ?? { invalid: 'is invalid' }).join('; ')}`,
      ),
    );
  }
  return {
    databaseUrl: vars.DATABASE_URL,
    redisUrl: vars.REDIS_URL,
    dataDir: path.resolve(vars.DATA_DIR),
    port: vars.PORT,
    role: vars.PROCESS_ROLE,
    adminApiKey: vars.ADMIN_API_KEY,
    advisorJwtSecret: vars.ADVISOR_JWT_SECRET,
    encryptionKey: vars.ENCRYPTION_KEY,
    webhookAllowPrivateNetworks: vars.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
    webhookRetryScale: vars.WEBHOOK_RETRY_SCALE,
    sweepIntervalSeconds: vars.SWEEP_INTERVAL_SECONDS,
    graphqlRateLimitPerMinute: vars.GRAPHQL_RATE_LIMIT_PER_MINUTE,
    restRateLimitPerMinute: vars.REST_RATE_LIMIT_PER_MINUTE,
    advisorJwtMaxLifetimeSeconds: vars.ADVISOR_JWT_MAX_LIFETIME_SECONDS,
    advisorJwtIssuer: vars.ADVISOR_JWT_ISSUER,
    advisorJwtAudience: vars.ADVISOR_JWT_AUDIENCE,
    queueNamespace: vars.QUEUE_NAMESPACE,
    policyPreviewSyncMaxStudents: vars.POLICY_PREVIEW_SYNC_MAX_STUDENTS,
    logLevel: vars.LOG_LEVEL,
    production: vars.NODE_ENV === 'production',
  };
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`, for logs. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
