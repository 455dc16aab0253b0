import { Global, Module, type DynamicModule } from '@nestjs/common';
import { PII_CIPHER, PiiCipher } from './pii-cipher.js';

export interface KernelOptions {
  piiEncryptionKey: string;
  piiHashKey: string;
}

/** Provides the shared PII cipher to every bounded context. */
@Global()
@Module({})
export class KernelModule {
  static forRoot(options: KernelOptions): DynamicModule {
    return {
      module: KernelModule,
      providers: [{ provide: PII_CIPHER, useValue: new PiiCipher(options.piiEncryptionKey, options.piiHashKey) }],
      exports: [PII_CIPHER],
    };
  }
}
