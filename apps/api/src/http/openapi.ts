import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ErrorBody } from '#lib/kernel';

/**
 * The OpenAPI document (served at /api/docs, JSON at /api/docs-json) is the contract: every operation
 * documents its success status and schema and the errors it can give (ErrorBody). Route-specific
 * errors come from the controllers (`ApiErrors`, and the access and rate-limit decorators); the ones
 * below can answer any request, whatever its route, so every operation lists them. The e2e harness
 * checks each answer the tests receive against this document (test/support/openapi-contract.ts).
 */
const ANY_REQUEST_ERRORS = [
  {
    status: 400,
    description: 'MALFORMED_JSON / BODY_TOO_DEEP: a body that is not JSON, or is nested too deep',
  },
  { status: 413, description: 'PAYLOAD_TOO_LARGE: the body is over 64 KB' },
  { status: 415, description: 'UNSUPPORTED_MEDIA_TYPE: a body that is not application/json in UTF-8' },
  {
    status: 503,
    description: 'DATABASE_BUSY: no database connection became free in time (retry later); the database is down',
  },
] as const;

export function setupOpenApi(app: INestApplication): void {
  const builder = new DocumentBuilder()
    .setTitle('智慧养老信息服务平台 API (1+3+N)')
    .setDescription(
      'City smart elder-care platform: regions, elders, the ten-helps catalogue, providers and service orders. ' +
        'Sign in with POST /auth/login, then Authorize with the access token. ' +
        'Every error answer is an ErrorBody; branch on its `code`.',
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Device-Key' }, 'device-key')
    .addGlobalResponse(...ANY_REQUEST_ERRORS.map((e) => ({ ...e, type: ErrorBody })));
  const config = builder.build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, config));
}
