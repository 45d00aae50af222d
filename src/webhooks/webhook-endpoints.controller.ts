import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ListQuery } from '../common/pagination.js';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { NoBody } from '../common/validation.js';
import { CurrentCenter, type CenterContext } from '../common/auth/center-context.js';
import { NotFoundError } from '../common/app-error.js';
import {
  CreateWebhookEndpointBody,
  CreatedWebhookEndpoint,
  WebhookEndpointList,
  WebhookEndpointResource,
} from './webhook-endpoint.dto.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';
import { CenterKey } from '../common/auth/route-access.js';

const endpointId = () =>
  new ParseUUIDPipe({ exceptionFactory: () => new NotFoundError('No such webhook endpoint.') });

@ApiTags('webhooks')
@CenterKey()
@Controller('v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @Post()
  @ApiOperation({ summary: 'Register a webhook endpoint (its signing secret is shown once)' })
  @HttpCode(201)
  @ApiCreatedResponse({
    type: CreatedWebhookEndpoint,
    description: 'The endpoint and its signing secret (shown only here)',
  })
  create(
    @CurrentCenter() center: CenterContext,
    @Body() body: CreateWebhookEndpointBody,
  ): Promise<CreatedWebhookEndpoint> {
    return this.endpoints.create(center.centerId, body);
  }

  @Get()
  @ApiOperation({ summary: "List the center's webhook endpoints" })
  @ApiOkResponse({
    type: WebhookEndpointList,
    description: 'Oldest first; pass nextCursor as cursor for the next page',
  })
  list(@CurrentCenter() center: CenterContext, @Query() query: ListQuery): Promise<WebhookEndpointList> {
    return this.endpoints.list(center.centerId, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one webhook endpoint' })
  @ApiOkResponse({ type: WebhookEndpointResource })
  get(
    @CurrentCenter() center: CenterContext,
    @Param('id', endpointId()) id: string,
  ): Promise<WebhookEndpointResource> {
    return this.endpoints.get(center.centerId, id);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a webhook endpoint' })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted; nothing more is delivered to it' })
  async delete(@CurrentCenter() center: CenterContext, @Param('id', endpointId()) id: string): Promise<void> {
    await this.endpoints.delete(center.centerId, id);
  }

  @Post(':id/enable')
  @ApiOperation({ summary: 'Enable a disabled webhook endpoint again' })
  @HttpCode(200)
  @ApiOkResponse({
    type: WebhookEndpointResource,
    description:
      'Enabled again (after a 410 or 5 days of failures); failed deliveries can then be redelivered',
  })
  enable(
    @CurrentCenter() center: CenterContext,
    @Param('id', endpointId()) id: string,
    @NoBody() _none: undefined,
  ): Promise<WebhookEndpointResource> {
    return this.endpoints.enable(center.centerId, id);
  }

  @Post(':id/rotate-secret')
  @ApiOperation({ summary: "Rotate a webhook endpoint's signing secret" })
  @HttpCode(200)
  @ApiOkResponse({
    type: CreatedWebhookEndpoint,
    description: 'The new secret (shown only here); the previous one also signs for 24 hours',
  })
  rotate(
    @CurrentCenter() center: CenterContext,
    @Param('id', endpointId()) id: string,
    @NoBody() _none: undefined,
  ): Promise<CreatedWebhookEndpoint> {
    return this.endpoints.rotateSecret(center.centerId, id);
  }
}
