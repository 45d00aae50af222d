import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The body both old functions had; update and delete triggers only, on tables with an interaction_id. */
const REFRESH_BODY = `RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM interaction_figures_refresh(OLD.interaction_id);
    IF TG_OP = 'UPDATE' AND NEW.interaction_id <> OLD.interaction_id THEN
      PERFORM interaction_figures_refresh(NEW.interaction_id);
    END IF;
    RETURN NULL;
  END $$`;

/**
 * InteractionFigures wrote the same trigger function twice, once for gaps and once for follow-ups: both refresh
 * the figures of the interaction a changed row belonged to, and of the one it moved to. One function now serves
 * both tables' update and delete triggers, so a fix to it cannot reach one table and miss the other.
 */
export class OneFiguresRefreshTrigger1765584000000 implements MigrationInterface {
  name = 'OneFiguresRefreshTrigger1765584000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION refresh_figures_of_changed_interaction() ${REFRESH_BODY}`);
    await this.pointTriggersAt(
      q,
      'refresh_figures_of_changed_interaction',
      'refresh_figures_of_changed_interaction',
    );
    await q.query(`DROP FUNCTION gaps_refresh_figures()`);
    await q.query(`DROP FUNCTION follow_ups_refresh_figures()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const table of ['gaps', 'follow_ups'])
      await q.query(`CREATE FUNCTION ${table}_refresh_figures() ${REFRESH_BODY}`);
    await this.pointTriggersAt(q, 'gaps_refresh_figures', 'follow_ups_refresh_figures');
    await q.query(`DROP FUNCTION refresh_figures_of_changed_interaction()`);
  }

  /** The four triggers as InteractionFigures made them, calling these functions. */
  private async pointTriggersAt(
    q: QueryRunner,
    gapsFunction: string,
    followUpsFunction: string,
  ): Promise<void> {
    for (const [trigger, table] of [
      ['gaps_thank_you_figure_update', 'gaps'],
      ['gaps_thank_you_figure_delete', 'gaps'],
      ['follow_ups_figures_update', 'follow_ups'],
      ['follow_ups_figures_delete', 'follow_ups'],
    ])
      await q.query(`DROP TRIGGER ${trigger} ON ${table}`);
    await q.query(`
      CREATE TRIGGER gaps_thank_you_figure_update AFTER UPDATE ON gaps
      FOR EACH ROW WHEN ('THANK_YOU' IN (OLD.purpose, NEW.purpose)
                         AND ((OLD.state = 'CLOSED', OLD.purpose, OLD.interaction_id)
                              IS DISTINCT FROM (NEW.state = 'CLOSED', NEW.purpose, NEW.interaction_id)))
      EXECUTE FUNCTION ${gapsFunction}()`);
    await q.query(`
      CREATE TRIGGER gaps_thank_you_figure_delete AFTER DELETE ON gaps
      FOR EACH ROW WHEN (OLD.purpose = 'THANK_YOU') EXECUTE FUNCTION ${gapsFunction}()`);
    await q.query(`
      CREATE TRIGGER follow_ups_figures_update AFTER UPDATE ON follow_ups
      FOR EACH ROW WHEN ('THANK_YOU' IN (OLD.purpose, NEW.purpose)
                         AND ((OLD.purpose, OLD.sent_at, OLD.deleted_at, OLD.interaction_id)
                              IS DISTINCT FROM (NEW.purpose, NEW.sent_at, NEW.deleted_at, NEW.interaction_id)))
      EXECUTE FUNCTION ${followUpsFunction}()`);
    await q.query(`
      CREATE TRIGGER follow_ups_figures_delete AFTER DELETE ON follow_ups
      FOR EACH ROW WHEN (OLD.purpose = 'THANK_YOU') EXECUTE FUNCTION ${followUpsFunction}()`);
  }
}
