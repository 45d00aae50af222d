import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../common/auth/route-access.js';
import { CentersService } from './centers.service.js';
import { CreateCenterDto, CreatedCenterResponse } from './centers.dto.js';

@ApiTags('centers')
@AdminOnly()
@Controller('v1/centers')
export class CentersController {
  constructor(private readonly centers: CentersService) {}

  @Post()
  @ApiOperation({ summary: 'Create a career center and its first API key (admin key)' })
  @HttpCode(201)
  @ApiCreatedResponse({
    type: CreatedCenterResponse,
    description: 'The center, with its first API key (shown only here).',
  })
  async create(@Body() body: CreateCenterDto): Promise<CreatedCenterResponse> {
    const { id, name, timezone, apiKey } = await this.centers.create(body.name, body.timezone);
    return { id, name, timezone, apiKey };
  }
}
