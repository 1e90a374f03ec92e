import { Injectable } from '@nestjs/common';
import { type Health } from '../../plugins/sdk/services';

/** What readiness reports besides the database: connector health and known warnings. */
@Injectable()
export class HealthState {
  connectors: Record<string, Health> = {};
  warnings: string[] = [];
  shuttingDown = false;
}
