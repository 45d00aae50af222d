import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Query,
  Res,
  type Type,
} from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentCenter, type CenterContext } from './auth/center-context.js';
import {
  BulkRequest,
  BulkResponse,
  MAX_BULK_ITEMS,
  runBulk,
  upsertStatusCode,
  type UpsertOutcome,
  type UpsertStatus,
} from './bulk.js';
import { ExternalIdPipe } from './external-id.js';
import { ListQuery, type Page } from './pagination.js';
import { createValidationPipe } from './validation.js';
import { CenterKey } from './auth/route-access.js';

/** What a portal-synced resource's service offers; each method is scoped to the calling center. */
export interface ResourceService<TItem extends { externalId: string }, TResource> {
  /** The one write path per aggregate: PUT and bulk both come here. Outcomes are in input order. */
  upsertMany(centerId: string, items: TItem[]): Promise<UpsertOutcome[]>;
  get(centerId: string, externalId: string): Promise<TResource>;
  list(centerId: string, query: ListQuery): Promise<Page<TResource>>;
}

/** PUT of one item is a bulk of one, then a read of the stored resource for the response body. */
export async function putOne<TItem extends { externalId: string }, TResource>(
  service: ResourceService<TItem, TResource>,
  centerId: string,
  item: TItem,
): Promise<{ status: UpsertStatus; resource: TResource }> {
  const [outcome] = await service.upsertMany(centerId, [item]);
  if (outcome.status === 'error') throw outcome.error;
  return { status: outcome.status, resource: await service.get(centerId, item.externalId) };
}

export interface ResourceControllerOptions<TBody, TItem, TResource> {
  path: string;
  tag: string;
  body: Type<TBody>;
  item: Type<TItem>;
  resource: Type<TResource>;
  page: Type<unknown>;
  service: Type<ResourceService<TItem & { externalId: string }, TResource>>;
}

/**
 * The four routes every synced collection has (SPEC 5.1): PUT upsert, GET one, GET a keyset page, POST bulk.
 * Collections extend the class this returns and add what is theirs (e.g. DELETE).
 */
export function ResourceController<
  TBody extends object,
  TItem extends TBody & { externalId: string },
  TResource,
>(options: ResourceControllerOptions<TBody, TItem, TResource>) {
  @ApiTags(options.tag)
  @CenterKey()
  @Controller(options.path)
  class ResourceControllerBase {
    constructor(@Inject(options.service) readonly service: ResourceService<TItem, TResource>) {}

    @Put(':externalId')
    @ApiOperation({ summary: `Create or replace one of the center's ${options.tag} by externalId` })
    @ApiBody({ type: options.body })
    @ApiCreatedResponse({ type: options.resource, description: 'Created; the body is the stored resource' })
    @ApiOkResponse({
      type: options.resource,
      description: 'Changed or unchanged; the body is the stored resource',
    })
    async put(
      @CurrentCenter() center: CenterContext,
      @Param('externalId', new ExternalIdPipe()) externalId: string,
      @Body(createValidationPipe(options.body)) body: TBody,
      @Res({ passthrough: true }) response: Response,
    ): Promise<TResource> {
      const { status, resource } = await putOne(this.service, center.centerId, {
        ...body,
        externalId,
      } as TItem);
      response.status(upsertStatusCode(status));
      return resource;
    }

    @Get(':externalId')
    @ApiOperation({ summary: `Get one of the center's ${options.tag} by externalId` })
    @ApiOkResponse({ type: options.resource })
    get(
      @CurrentCenter() center: CenterContext,
      @Param('externalId', new ExternalIdPipe()) externalId: string,
    ): Promise<TResource> {
      return this.service.get(center.centerId, externalId);
    }

    @Get()
    @ApiOperation({ summary: `List the center's ${options.tag}, a keyset page at a time` })
    @ApiOkResponse({
      type: options.page,
      description: 'Ordered by externalId; pass nextCursor as cursor for the next page',
    })
    list(@CurrentCenter() center: CenterContext, @Query() query: ListQuery): Promise<Page<TResource>> {
      return this.service.list(center.centerId, query);
    }

    @Post('bulk')
    @ApiOperation({ summary: `Create or replace up to 1000 ${options.tag} in one request` })
    @HttpCode(200)
    @ApiExtraModels(options.item)
    @ApiBody({
      description: 'Up to 1000 items, each a PUT body plus its externalId',
      schema: {
        type: 'object',
        required: ['items'],
        properties: {
          items: {
            type: 'array',
            minItems: 1,
            maxItems: MAX_BULK_ITEMS,
            items: { $ref: getSchemaPath(options.item) },
          },
        },
      },
    })
    @ApiOkResponse({
      type: BulkResponse,
      description: 'One result per item, in input order; valid items are stored even when others fail',
    })
    bulk(@CurrentCenter() center: CenterContext, @Body() body: BulkRequest): Promise<BulkResponse> {
      return runBulk(options.item, body.items, (items) => this.service.upsertMany(center.centerId, items));
    }
  }
  return ResourceControllerBase;
}
