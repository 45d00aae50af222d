import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';

export const PROCESS_ROLES = ['all', 'api', 'worker'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Parses a URL and accepts only the given protocols; reports the problem without echoing the value (it may hold a password). */
function urlWithProtocols(protocols: string[]) {
  @ValidatorConstraint({ name: 'url' })
  class UrlConstraint implements ValidatorConstraintInterface {
    validate(value: unknown): boolean {
      if (typeof value !== 'string') return false;
      try {
        const url = new URL(value);
        return protocols.includes(url.protocol) && url.hostname.length > 0;
      } catch {
        return false;
      }
    }
    defaultMessage(): string {
      return `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`;
    }
  }
  return UrlConstraint;
}

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const normalised = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalised)) return true;
  if (['false', '0', 'no', ''].includes(normalised)) return false;
  return value;
};

/**
 * A policy preview plans about 4,000 students a second on the idle 2-core development machine (README
 * "Previews"), so this many answer in about a second, with room for a busy server (up to ten times slower under
 * a load average of 20). Larger previews run in the background.
 */
export const DEFAULT_POLICY_PREVIEW_SYNC_MAX_STUDENTS = 5000;

const toInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;

/**
 * Every environment variable the service reads, validated once at boot.
 * Keep in step with the README's configuration table and docker/compose.yml
 * (a test checks that compose only sets variables listed here).
 */
export class EnvVars {
  @IsOptional()
  @Validate(urlWithProtocols(['postgres:', 'postgresql:']))
  DATABASE_URL?: string;

  @IsOptional()
  @Validate(urlWithProtocols(['redis:', 'rediss:']))
  REDIS_URL?: string;

  @IsString()
  @MinLength(1)
  DATA_DIR: string = './.data';

  @Transform(toInteger)
  @IsInt({ message: 'must be an integer between 0 and 65535' })
  @Min(0, { message: 'must be an integer between 0 and 65535' })
  @Max(65535, { message: 'must be an integer between 0 and 65535' })
  PORT: number = 3000;

  @IsIn(PROCESS_ROLES, { message: `must be one of: ${PROCESS_ROLES.join(', ')}` })
  PROCESS_ROLE: ProcessRole = 'all';

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters (generate one with `openssl rand -base64 32`)' })
  @MaxLength(512)
  ADMIN_API_KEY?: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters (generate one with `openssl rand -base64 32`)' })
  @MaxLength(512)
  ADVISOR_JWT_SECRET?: string;

  @IsOptional()
  @Matches(/^(?:[A-Za-z0-9+/]{43}=|[0-9a-fA-F]{64})$/, {
    message:
      'must be 32 bytes as base64 (44 characters) or hex (64 characters); generate one with `openssl rand -base64 32`',
  })
  ENCRYPTION_KEY?: string;

  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: boolean = false;

  /** Multiplies the webhook retry schedule (5 s … 10 h); tests and demos run it scaled down. */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value.trim() !== '' ? Number(value) : value,
  )
  @IsNumber({}, { message: 'must be a number greater than 0 and at most 1' })
  @Min(0.000001, { message: 'must be a number greater than 0 and at most 1' })
  @Max(1, { message: 'must be a number greater than 0 and at most 1' })
  WEBHOOK_RETRY_SCALE: number = 1;

  /**
   * Keeps this deployment's queues apart from others sharing one Redis (key prefix) or one database (schema of
   * BullMQ's PostgreSQL backend). Unset: BullMQ's defaults.
   */
  @IsOptional()
  @Matches(/^[a-z_][a-z0-9_]{0,40}$/, {
    message: 'must be 1–41 characters of a-z, 0-9 and _, not starting with a digit',
  })
  QUEUE_NAMESPACE?: string;

  /** How often workers sweep for reminders and deliveries that are due but have no job (lost or never enqueued). */
  @Transform(toInteger)
  @IsInt({ message: 'must be an integer between 1 and 3600' })
  @Min(1, { message: 'must be an integer between 1 and 3600' })
  @Max(3600, { message: 'must be an integer between 1 and 3600' })
  SWEEP_INTERVAL_SECONDS: number = 30;

  /**
   * GraphQL requests per minute across all processes: per advisor for advisor JWTs, per center for API keys
   * (all of a center's keys share one budget).
   */
  @Transform(toInteger)
  @IsInt({ message: 'must be an integer between 1 and 100000' })
  @Min(1, { message: 'must be an integer between 1 and 100000' })
  @Max(100000, { message: 'must be an integer between 1 and 100000' })
  GRAPHQL_RATE_LIMIT_PER_MINUTE: number = 600;

  /**
   * REST requests each center may make per minute, across all processes and all of its API keys. Admin routes,
   * health and metrics are not counted.
   */
  @Transform(toInteger)
  @IsInt({ message: 'must be an integer between 1 and 1000000' })
  @Min(1, { message: 'must be an integer between 1 and 1000000' })
  @Max(1000000, { message: 'must be an integer between 1 and 1000000' })
  REST_RATE_LIMIT_PER_MINUTE: number = 6000;

  /** Longest an advisor JWT may live: `exp` at most this long after `iat` (or after now, without `iat`). */
  @Transform(toInteger)
  @IsInt({ message: 'must be an integer between 60 and 31536000' })
  @Min(60, { message: 'must be an integer between 60 and 31536000' })
  @Max(31536000, { message: 'must be an integer between 60 and 31536000' })
  ADVISOR_JWT_MAX_LIFETIME_SECONDS: number = 86400;

  /** When set, an advisor JWT must carry exactly this `iss`; unset: `iss` is not checked. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  ADVISOR_JWT_ISSUER?: string;

  /** When set, an advisor JWT's `aud` must name this audience; unset: `aud` is not checked. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  ADVISOR_JWT_AUDIENCE?: string;

  /**
   * Largest number of students (with open gaps of the kind) a policy preview plans within its request (200);
   * past it the preview runs as a background job the client polls (202). 0: every preview runs in the background.
   */
  @Transform(toInteger)
  @IsInt({ message: 'must be an integer between 0 and 1000000' })
  @Min(0, { message: 'must be an integer between 0 and 1000000' })
  @Max(1000000, { message: 'must be an integer between 0 and 1000000' })
  POLICY_PREVIEW_SYNC_MAX_STUDENTS: number = DEFAULT_POLICY_PREVIEW_SYNC_MAX_STUDENTS;

  @IsIn(LOG_LEVELS, { message: `must be one of: ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @IsOptional()
  @IsIn(['development', 'production', 'test'], { message: 'must be development, production or test' })
  NODE_ENV?: 'development' | 'production' | 'test';
}

/** Names of every variable above, for checks such as "compose.yml sets only known variables". */
export const KNOWN_ENV_VARS = [
  'DATABASE_URL',
  'REDIS_URL',
  'DATA_DIR',
  'PORT',
  'PROCESS_ROLE',
  'ADMIN_API_KEY',
  'ADVISOR_JWT_SECRET',
  'ENCRYPTION_KEY',
  'WEBHOOK_ALLOW_PRIVATE_NETWORKS',
  'WEBHOOK_RETRY_SCALE',
  'SWEEP_INTERVAL_SECONDS',
  'GRAPHQL_RATE_LIMIT_PER_MINUTE',
  'REST_RATE_LIMIT_PER_MINUTE',
  'ADVISOR_JWT_MAX_LIFETIME_SECONDS',
  'ADVISOR_JWT_ISSUER',
  'ADVISOR_JWT_AUDIENCE',
  'QUEUE_NAMESPACE',
  'POLICY_PREVIEW_SYNC_MAX_STUDENTS',
  'LOG_LEVEL',
  'NODE_ENV',
] as const satisfies readonly (keyof EnvVars)[];
