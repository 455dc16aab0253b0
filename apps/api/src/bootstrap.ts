import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication, NestExpressBodyParserOptionsFor } from '@nestjs/platform-express';
import { createHttpLogger, createRootLogger, PinoNestLogger } from './http/logging.js';
import { AppModule, type AppModuleOptions } from './app.module.js';
import { createValidationPipe } from './http/validation.pipe.js';
import { setupOpenApi } from './http/openapi.js';
import { JSON_BODY_LIMIT, requireJsonBody, verifyJsonBody } from './http/input-limits.js';

/** Builds the configured Nest application (used by main.ts and by the e2e tests). */
export interface CreateAppOptions extends AppModuleOptions {
  /** Where logs go (tests capture them to check that no personal data leaks). */
  logDestination?: NodeJS.WritableStream;
}

export async function createApp(options: CreateAppOptions): Promise<NestExpressApplication> {
  const logger = createRootLogger(options.config.logLevel, options.logDestination);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
  });
  app.use(createHttpLogger(logger));
  // input limits before parsing (http/input-limits.ts): JSON only, 64 KB, nesting depth, UTF-8
  app.use(requireJsonBody);
  // `verify` is left out of Nest's typings because Nest uses it for `rawBody: true` (off here); body-parser
  // runs it on the raw bytes before JSON.parse, which is the point (test/platform/fuzz.e2e-spec.ts)
  app.useBodyParser('json', {
    limit: JSON_BODY_LIMIT,
    verify: verifyJsonBody,
  } as NestExpressBodyParserOptionsFor<'json'>);
  // query strings stay flat: ?q[a][b]=1 is a parameter named "q[a][b]" (refused as unknown), never an object
  app.set('query parser', 'simple');
  app.disable('x-powered-by');
  app.set('etag', false); // dynamic answers: hashing every body buys nothing
  app.set('trust proxy', 'loopback');
  app.useGlobalPipes(createValidationPipe());
  setupOpenApi(app); // http/openapi.ts
  return app;
}
