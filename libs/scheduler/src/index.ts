export { JobScheduler } from './job-scheduler.js';
export { SchedulerModule } from './scheduler.module.js';
export { DEFAULT_SCHEDULER_OPTIONS, type DueJob, type JobHandler, type SchedulerOptions } from './scheduler.types.js';
export { RETRY_DELAYS_MS, retryDelayMs, type JobToSchedule } from './retry-policy.js';
export { JOBS_CHANNEL } from './scheduler.sql.js';
