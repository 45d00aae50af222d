import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsUrl, MaxLength } from 'class-validator';

export const EVENT_TYPES = ['followup.reminder', 'followup.escalation'] as const;

export class CreateWebhookEndpointBody {
  @ApiProperty({ example: 'https://mail.example.ac.jp/hooks/career-followup' })
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'must be an http(s) URL' },
  )
  @MaxLength(2048)
  url!: string;

  @ApiProperty({ enum: EVENT_TYPES, isArray: true, example: ['followup.reminder'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(EVENT_TYPES, { each: true, message: `each must be one of ${EVENT_TYPES.join(', ')}` })
  eventTypes!: (typeof EVENT_TYPES)[number][];
}

export class WebhookEndpointResource {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ enum: EVENT_TYPES, isArray: true }) eventTypes!: string[];
  @ApiProperty({ description: 'Disabled endpoints receive nothing (a 410 answer, or 5 days of failures)' })
  disabled!: boolean;
  @ApiProperty({ type: String, nullable: true }) disabledReason!: string | null;
  @ApiProperty({
    type: Date,
    nullable: true,
    description: 'Until then deliveries are signed with the previous secret too',
  })
  previousSecretExpiresAt!: Date | null;
  @ApiProperty() createdAt!: Date;
}

export class CreatedWebhookEndpoint extends WebhookEndpointResource {
  @ApiProperty({
    description: 'The signing secret. Shown only in this response; store it now.',
    example: 'whsec_…',
  })
  secret!: string;
}

export class WebhookEndpointList {
  @ApiProperty({ type: [WebhookEndpointResource] }) items!: WebhookEndpointResource[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
