import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiGoneResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NoBody } from '../common/validation.js';
import { CurrentCenter, type CenterContext } from '../common/auth/center-context.js';
import { NotFoundError } from '../common/app-error.js';
import type { Page } from '../common/pagination.js';
import { DeliveryPage, DeliveryQuery, DeliveryResource } from './webhook-delivery.dto.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';
import { CenterKey } from '../common/auth/route-access.js';

const deliveryId = () =>
  new ParseUUIDPipe({ exceptionFactory: () => new NotFoundError('No such webhook delivery.') });

@ApiTags('webhooks')
@CenterKey()
@Controller('v1/webhook-deliveries')
export class WebhookDeliveriesController {
  constructor(private readonly deliveries: WebhookDeliveriesService) {}

  @Get()
  @ApiOperation({ summary: 'List webhook deliveries, newest first' })
  @ApiOkResponse({
    type: DeliveryPage,
    description: 'Newest first, with every attempt (time, status code, latency, error)',
  })
  list(
    @CurrentCenter() center: CenterContext,
    @Query() query: DeliveryQuery,
  ): Promise<Page<DeliveryResource>> {
    return this.deliveries.list(center.centerId, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one webhook delivery and its attempts' })
  @ApiOkResponse({ type: DeliveryResource })
  get(
    @CurrentCenter() center: CenterContext,
    @Param('id', deliveryId()) id: string,
  ): Promise<DeliveryResource> {
    return this.deliveries.get(center.centerId, id);
  }

  @Post(':id/redeliver')
  @ApiOperation({ summary: 'Send a webhook delivery again' })
  @HttpCode(200)
  @ApiOkResponse({ type: DeliveryResource, description: 'Queued again with the same webhook-id' })
  @ApiGoneResponse({ description: 'Its student was erased: nothing is sent (/problems/erased)' })
  @ApiConflictResponse({
    description:
      'Its endpoint is disabled (enable it first), or a request with this Idempotency-Key is still in progress',
  })
  redeliver(
    @CurrentCenter() center: CenterContext,
    @Param('id', deliveryId()) id: string,
    @NoBody() _none: undefined,
  ): Promise<DeliveryResource> {
    return this.deliveries.redeliver(center.centerId, id);
  }
}
