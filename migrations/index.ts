import { CentersAndApiKeys1764115200000 } from './1764115200000-CentersAndApiKeys.js';
import { Directory1764201600000 } from './1764201600000-Directory.js';
import { FollowUpEngine1764288000000 } from './1764288000000-FollowUpEngine.js';
import { Webhooks1764374400000 } from './1764374400000-Webhooks.js';
import { EscalationDigests1764460800000 } from './1764460800000-EscalationDigests.js';
import { AdvisorApi1764547200000 } from './1764547200000-AdvisorApi.js';
import { UndispatchedRemindersIndex1764633600000 } from './1764633600000-UndispatchedRemindersIndex.js';
import { AdvisorQueryIndexes1764720000000 } from './1764720000000-AdvisorQueryIndexes.js';
import { ReplanAfterSend1764806400000 } from './1764806400000-ReplanAfterSend.js';
import { ReplanFailedToo1764892800000 } from './1764892800000-ReplanFailedToo.js';
import { AuditRequestIdLength1764979200000 } from './1764979200000-AuditRequestIdLength.js';
import { ErasureAndStrandedReminders1765065600000 } from './1765065600000-ErasureAndStrandedReminders.js';
import { AdvisorPageWalk1765152000000 } from './1765152000000-AdvisorPageWalk.js';
import { PolicyPreviews1765238400000 } from './1765238400000-PolicyPreviews.js';
import { NamesInLatinScript1765324800000 } from './1765324800000-NamesInLatinScript.js';
import { GapClassWalks1765411200000 } from './1765411200000-GapClassWalks.js';
import { InteractionFigures1765497600000 } from './1765497600000-InteractionFigures.js';
import { OneFiguresRefreshTrigger1765584000000 } from './1765584000000-OneFiguresRefreshTrigger.js';

/** Every migration in order. `npm run migration:generate` writes a new file here; add its class to this list. */
export const MIGRATIONS = [
  CentersAndApiKeys1764115200000,
  Directory1764201600000,
  FollowUpEngine1764288000000,
  Webhooks1764374400000,
  EscalationDigests1764460800000,
  AdvisorApi1764547200000,
  UndispatchedRemindersIndex1764633600000,
  AdvisorQueryIndexes1764720000000,
  ReplanAfterSend1764806400000,
  ReplanFailedToo1764892800000,
  AuditRequestIdLength1764979200000,
  ErasureAndStrandedReminders1765065600000,
  AdvisorPageWalk1765152000000,
  PolicyPreviews1765238400000,
  NamesInLatinScript1765324800000,
  GapClassWalks1765411200000,
  InteractionFigures1765497600000,
  OneFiguresRefreshTrigger1765584000000,
];
