import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createHttpLogger, createRootLogger, PinoNestLogger } from './http/logging.js';
import { AppModule, type AppModuleOptions } from './app.module.js';
import { createValidationPipe } from './http/validation.pipe.js';

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
  app.useBodyParser('json', { limit: '64kb' });
  app.disable('x-powered-by');
  app.set('etag', false); // dynamic answers: hashing every body buys nothing
  app.set('trust proxy', 'loopback');
  app.useGlobalPipes(createValidationPipe());
  const doc = new DocumentBuilder()
    .setTitle('智慧养老信息服务平台 API (1+3+N)')
    .setDescription(
      'City smart elder-care platform: regions, elders, the ten-helps catalogue, providers and service orders. ' +
        'Sign in with POST /auth/login, then Authorize with the access token.',
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Device-Key' }, 'device-key')
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc));
  return app;
}
