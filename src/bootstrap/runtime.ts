import type { Logger } from 'pino';
import { loadConfig, maskUrl, type AppConfig } from '../config/config.js';
import type { Runtime } from '../config/runtime.js';
import { ensureSecrets } from '../config/secrets.js';
import { startEmbeddedPostgres } from '../database/embedded-postgres.js';
import { migrateDatabase } from '../database/migrate.js';

export interface PreparedRuntime {
  runtime: Runtime;
  /** Stops what prepareRuntime started (the embedded PostgreSQL); call after the app has closed. */
  release: () => Promise<void>;
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
    const secrets = await ensureSecrets(config, (name, value, file) => {
      if (name === 'adminApiKey') {
        // Printed once, on purpose, to the terminal rather than the log stream: it is the only way to get it.
        process.stdout.write(
          `\nGenerated ADMIN_API_KEY (shown once, kept in ${file}):\n\n    ${value}\n\nUse it to create centers: POST /v1/centers with Authorization: Bearer <ADMIN_API_KEY>\n\n`,
        );
      } else {
        logger.info(
          { file },
          `generated ${name === 'advisorJwtSecret' ? 'ADVISOR_JWT_SECRET' : 'ENCRYPTION_KEY'} and kept it in DATA_DIR`,
        );
      }
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
    };
  } catch (error) {
    await release();
    throw error;
  }
}
