import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { IsIanaTimeZone } from '../common/validators.js';

export class CreateCenterDto {
  @ApiProperty({ example: 'サンプル大学 キャリアセンター' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'Asia/Tokyo', description: 'IANA time zone of the center' })
  @IsIanaTimeZone()
  timezone!: string;
}

export class CreatedCenterResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'サンプル大学 キャリアセンター' }) name!: string;
  @ApiProperty({ example: 'Asia/Tokyo' }) timezone!: string;
  @ApiProperty({
    description: "The center's first API key. Shown only in this response; store it now.",
    example: 'cfk_1a2b3c4d5e6f_…',
  })
  apiKey!: string;
}

export class ApiKeyResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Non-secret part of the key, to tell keys apart', example: '1a2b3c4d5e6f' })
  prefix!: string;
  @ApiProperty() createdAt!: Date;
}

export class IssuedApiKeyResponse extends ApiKeyResponse {
  @ApiProperty({
    description: 'The new key. Shown only in this response; store it now.',
    example: 'cfk_1a2b3c4d5e6f_…',
  })
  apiKey!: string;
}

export class ApiKeyListResponse {
  @ApiProperty({ type: [ApiKeyResponse] }) items!: ApiKeyResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
