import type { Logger } from 'pino';
import { loadConfig, maskUrl, type AppConfig } from '../config/config.js';
import type { Runtime } from '../config/runtime.js';
import { ensureSecrets } from '../config/secrets.js';
import { startEmbeddedPostgres } from '../database/embedded-postgres.js';
import { migrateDatabase } from '../database/migrate.js';
import type { GeneratedAdminKey } from './admin-key-notice.js';

export interface PreparedRuntime {
  runtime: Runtime;
  /** Stops what prepareRuntime started (the embedded PostgreSQL); call after the app has closed. */
  release: () => Promise<void>;
  /** Set when this start generated the admin key: main.ts prints it once the service listens. */
  generatedAdminKey?: GeneratedAdminKey;
}

/**
 * Everything that must happen before Nest starts: start the embedded database if there is no DATABASE_URL,
 * make sure the secrets exist, and migrate under a lock so the service never serves an old schema.
 */
export async function prepareRuntime(
  logger: Logger,
  config: AppConfig = loadConfig(process.env),
): Promise<PreparedRuntime> {
  let databaseUrl = config.databaseUrl;
  let release = async () => {};
  if (!databaseUrl) {
    const log = logger.child({ component: 'embedded-postgres' });
    const embedded = await startEmbeddedPostgres(config.dataDir, {
      info: (message) => log.info(message),
      debug: (message) => log.debug(message),
    });
    databaseUrl = embedded.url;
    release = () => embedded.stop();
  }
  try {
    let generatedAdminKey: GeneratedAdminKey | undefined;
    const secrets = await ensureSecrets(config, (name, value, file) => {
      // Only the file goes to the log; the admin key's value is printed once, later, outside the log stream.
      if (name === 'adminApiKey') generatedAdminKey = { value, file };
      const variable = {
        adminApiKey: 'ADMIN_API_KEY',
        advisorJwtSecret: 'ADVISOR_JWT_SECRET',
        encryptionKey: 'ENCRYPTION_KEY',
      }[name];
      logger.info({ file }, `generated ${variable} and kept it in DATA_DIR`);
    });
    const queueBackend = config.redisUrl ? 'redis' : 'postgres';
    logger.info(
      {
        role: config.role,
        database: config.databaseUrl
          ? maskUrl(databaseUrl)
          : `embedded PostgreSQL (${maskUrl(databaseUrl)}, data in ${config.dataDir})`,
        queue: config.redisUrl
          ? `Redis ${maskUrl(config.redisUrl)}`
          : 'BullMQ PostgreSQL backend (schema "bullmq") on the same database',
      },
      'starting',
    );
    await migrateDatabase(databaseUrl, logger);
    return {
      runtime: { config, secrets, databaseUrl, queueBackend, queueNamespace: config.queueNamespace },
      release,
      generatedAdminKey,
    };
  } catch (error) {
    await release();
    throw error;
  }
}
