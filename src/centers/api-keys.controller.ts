import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ListQuery } from '../common/pagination.js';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { NoBody } from '../common/validation.js';
import { NotFoundError } from '../common/app-error.js';
import { ApiKeysService } from './api-keys.service.js';
import { CurrentCenter, type CenterContext } from '../common/auth/center-context.js';
import { ApiKeyListResponse, IssuedApiKeyResponse } from './centers.dto.js';
import { CenterKey } from '../common/auth/route-access.js';

@ApiTags('api-keys')
@CenterKey()
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: "Issue another API key for the caller's center (shown once)" })
  @HttpCode(201)
  @ApiCreatedResponse({
    type: IssuedApiKeyResponse,
    description: 'A new key for the calling center (shown only here).',
  })
  issue(@CurrentCenter() center: CenterContext, @NoBody() _none: undefined): Promise<IssuedApiKeyResponse> {
    return this.apiKeys.issue(center.centerId);
  }

  @Get()
  @ApiOperation({ summary: "List the center's active API keys (no secrets)" })
  @ApiOkResponse({
    type: ApiKeyListResponse,
    description:
      "The center's active keys, oldest first, without their secrets; pass nextCursor as cursor for the next page.",
  })
  list(@CurrentCenter() center: CenterContext, @Query() query: ListQuery): Promise<ApiKeyListResponse> {
    return this.apiKeys.list(center.centerId, query);
  }

  @Delete(':id')
  @ApiOperation({ summary: "Revoke one of the center's API keys (never its last one)" })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked; the key stops working at once.' })
  @ApiConflictResponse({ description: "It is the center's last active key: issue another one first" })
  async revoke(
    @CurrentCenter() center: CenterContext,
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => new NotFoundError('No such API key.') }))
    id: string,
  ): Promise<void> {
    await this.apiKeys.revoke(center.centerId, id);
  }
}
