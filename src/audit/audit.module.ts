import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditStudentReadsInterceptor } from './audit-student-reads.interceptor.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

/** Reads of student records, appended by REST (an interceptor on marked routes) and by GraphQL. */
@Global()
@Module({
  providers: [
    AuditService,
    AuditRepository,
    { provide: APP_INTERCEPTOR, useClass: AuditStudentReadsInterceptor },
  ],
  exports: [AuditService],
})
export class AuditModule {}
