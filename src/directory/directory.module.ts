import { Module } from '@nestjs/common';
import { FollowUpsModule } from '../follow-ups/follow-ups.module.js';
import { AdvisorsController } from './advisors.controller.js';
import { AdvisorsRepository } from './advisors.repository.js';
import { AdvisorsService } from './advisors.service.js';
import { CompaniesController } from './companies.controller.js';
import { CompaniesRepository } from './companies.repository.js';
import { CompaniesService } from './companies.service.js';
import { ContactsController } from './contacts.controller.js';
import { ContactsRepository } from './contacts.repository.js';
import { ContactsService } from './contacts.service.js';
import { StudentsController } from './students.controller.js';
import { StudentsRepository } from './students.repository.js';
import { StudentsService } from './students.service.js';

/** The portal's directory: advisors, students, companies and their contacts. */
@Module({
  imports: [FollowUpsModule],
  controllers: [AdvisorsController, StudentsController, CompaniesController, ContactsController],
  providers: [
    AdvisorsService,
    StudentsService,
    CompaniesService,
    ContactsService,
    AdvisorsRepository,
    StudentsRepository,
    CompaniesRepository,
    ContactsRepository,
  ],
})
export class DirectoryModule {}
