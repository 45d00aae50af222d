/**
 * OpenAPI operation ids, which clients generated from the document name their methods after: a verb and the
 * resource (`upsertStudent`, `listReminders`), not Nest's `<controller class>_<method>`, so they read well in a
 * client and survive a controller being renamed. Every route must have one here: `operationIdFor` throws at
 * start-up for a route without, so a new route cannot ship with a generated name.
 */

/** The portal's resources, served by the shared resource controller: [one, many]. */
const RESOURCES: Readonly<Record<string, readonly [string, string]>> = {
  AdvisorsController: ['Advisor', 'Advisors'],
  StudentsController: ['Student', 'Students'],
  CompaniesController: ['Company', 'Companies'],
  ContactsController: ['Contact', 'Contacts'],
  InteractionsController: ['Interaction', 'Interactions'],
  LoggedFollowUpsController: ['FollowUp', 'FollowUps'],
};

/** The resource controller's own methods, named after the resource. */
const RESOURCE_METHODS: Readonly<Record<string, (one: string, many: string) => string>> = {
  put: (one) => `upsert${one}`,
  get: (one) => `get${one}`,
  list: (_, many) => `list${many}`,
  bulk: (_, many) => `bulkUpsert${many}`,
};

const OTHERS: Readonly<Record<string, string>> = {
  HealthController_live: 'checkLiveness',
  HealthController_ready: 'checkReadiness',
  FollowUpEngineController_gaps: 'listStudentGaps',
  FollowUpEngineController_reminders: 'listReminders',
  FollowUpEngineController_listPolicies: 'listPolicies',
  FollowUpEngineController_putPolicy: 'upsertPolicy',
  PolicyPreviewsController_preview: 'previewPolicy',
  PolicyPreviewsController_run: 'getPolicyPreview',
  CenterRecomputeController_request: 'requestCenterRecompute',
  CenterRecomputeController_status: 'getCenterRecompute',
  WebhookEndpointsController_create: 'createWebhookEndpoint',
  WebhookEndpointsController_list: 'listWebhookEndpoints',
  WebhookEndpointsController_get: 'getWebhookEndpoint',
  WebhookEndpointsController_delete: 'deleteWebhookEndpoint',
  WebhookEndpointsController_enable: 'enableWebhookEndpoint',
  WebhookEndpointsController_rotate: 'rotateWebhookEndpointSecret',
  WebhookDeliveriesController_list: 'listWebhookDeliveries',
  WebhookDeliveriesController_get: 'getWebhookDelivery',
  WebhookDeliveriesController_redeliver: 'redeliverWebhookDelivery',
  CentersController_create: 'createCenter',
  ApiKeysController_issue: 'issueApiKey',
  ApiKeysController_list: 'listApiKeys',
  ApiKeysController_revoke: 'revokeApiKey',
  StudentsController_erase: 'eraseStudent',
  InteractionsController_delete: 'deleteInteraction',
  InteractionsController_preview: 'previewInteraction',
};

export function operationIdFor(controllerKey: string, methodKey: string): string {
  const named = OTHERS[`${controllerKey}_${methodKey}`];
  if (named) return named;
  const resource = RESOURCES[controllerKey];
  const method = RESOURCE_METHODS[methodKey];
  if (resource && method) return method(...resource);
  throw new Error(`No OpenAPI operationId for ${controllerKey}.${methodKey}: add one in operation-ids.ts.`);
}
