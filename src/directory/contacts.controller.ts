import { Body, Controller, Get, Param, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentCenter, type CenterContext } from '../common/auth/center-context.js';
import { upsertStatusCode } from '../common/bulk.js';
import { ExternalIdPipe } from '../common/external-id.js';
import { ListQuery, type Page } from '../common/pagination.js';
import { ContactBody, ContactPage, ContactResource } from './contact.dto.js';
import { ContactsService } from './contacts.service.js';
import { CenterKey } from '../common/auth/route-access.js';

@ApiTags('contacts')
@CenterKey()
@Controller('v1/companies/:companyExternalId/contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Put(':externalId')
  @ApiOperation({ summary: "Create or replace one of a company's contacts by externalId" })
  @ApiCreatedResponse({ type: ContactResource, description: 'Created' })
  @ApiOkResponse({ type: ContactResource, description: 'Changed or unchanged' })
  async put(
    @CurrentCenter() center: CenterContext,
    @Param('companyExternalId', new ExternalIdPipe('companyExternalId')) companyExternalId: string,
    @Param('externalId', new ExternalIdPipe()) externalId: string,
    @Body() body: ContactBody,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactResource> {
    const { status, resource } = await this.contacts.put(
      center.centerId,
      companyExternalId,
      externalId,
      body,
    );
    response.status(upsertStatusCode(status));
    return resource;
  }

  @Get(':externalId')
  @ApiOperation({ summary: "Get one of a company's contacts by externalId" })
  @ApiOkResponse({ type: ContactResource })
  get(
    @CurrentCenter() center: CenterContext,
    @Param('companyExternalId', new ExternalIdPipe('companyExternalId')) companyExternalId: string,
    @Param('externalId', new ExternalIdPipe()) externalId: string,
  ): Promise<ContactResource> {
    return this.contacts.get(center.centerId, companyExternalId, externalId);
  }

  @Get()
  @ApiOperation({ summary: "List a company's contacts, a keyset page at a time" })
  @ApiOkResponse({ type: ContactPage })
  list(
    @CurrentCenter() center: CenterContext,
    @Param('companyExternalId', new ExternalIdPipe('companyExternalId')) companyExternalId: string,
    @Query() query: ListQuery,
  ): Promise<Page<ContactResource>> {
    return this.contacts.list(center.centerId, companyExternalId, query);
  }
}
