import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every Prometheus metric of the hub's own work, in one registry per hub instance (so tests can
 * run several hubs in one process without metric name clashes). The process's metrics are
 * apart, one set per process (see processMetrics).
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly intakeShed = new Counter({
    name: 'replywatch_intake_shed_total',
    help: 'Messages refused with 503 because the intake queue was full (intake.maxQueued), by channel',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });

  readonly messagesAccepted = new Counter({
    name: 'replywatch_messages_accepted_total',
    help: 'Messages committed by intake, by channel, author role and whether they were duplicates',
    labelNames: ['channel', 'role', 'duplicate'] as const,
    registers: [this.registry],
  });

  readonly inquiryChanges = new Counter({
    name: 'replywatch_inquiry_changes_total',
    help: 'Inquiry lifecycle changes (opened, answered, extended, answer_corrected)',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly intakeCommitSeconds = new Histogram({
    name: 'replywatch_intake_commit_seconds',
    help: 'Time from a message reaching intake to its commit',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly intakeBatchSize = new Histogram({
    name: 'replywatch_intake_batch_size',
    help: 'Messages committed together in one intake transaction',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [this.registry],
  });

  readonly marksFired = new Counter({
    name: 'replywatch_sla_marks_fired_total',
    help: 'SLA marks fired, by level and whether they fired late (after downtime)',
    labelNames: ['level', 'late'] as const,
    registers: [this.registry],
  });

  readonly firstResponseBusinessSeconds = new Histogram({
    name: 'replywatch_first_response_business_seconds',
    help: 'First response time in business time, observed when an inquiry is answered, by policy',
    labelNames: ['policy'] as const,
    buckets: [60, 300, 600, 900, 1800, 2700, 3600, 5400, 7200, 14400, 28800, 86400],
    registers: [this.registry],
  });

  readonly breachedAnswers = new Counter({
    name: 'replywatch_sla_breached_answers_total',
    help: 'Inquiries answered after their deadline, by policy',
    labelNames: ['policy'] as const,
    registers: [this.registry],
  });

  readonly inquiriesWaiting = new Gauge({
    name: 'replywatch_inquiries_waiting',
    help: 'Inquiries waiting for an answer (open or on hold) by policy and status, as of the last scrape',
    labelNames: ['policy', 'status'] as const,
    registers: [this.registry],
  });

  readonly deliveryAttempts = new Counter({
    name: 'replywatch_delivery_attempts_total',
    help: 'Outbox delivery attempts by connector and outcome (delivered, retry, dead)',
    labelNames: ['connector', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly outboxDepth = new Gauge({
    name: 'replywatch_outbox_deliveries',
    help: 'Deliveries in the outbox by status, as of the last scrape',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly outboxBreaker = new Gauge({
    name: 'replywatch_outbox_breaker_state',
    help: 'Breakers holding deliveries: 1 half-open (a probe in flight), 2 open; a target with no series is closed. target "" is a whole connector paused',
    labelNames: ['connector', 'target', 'reason'] as const,
    registers: [this.registry],
  });

  readonly connectorUp = new Gauge({
    name: 'replywatch_connector_up',
    help: 'Last verify() result per enabled connector: 1 up, 0.5 degraded, 0 down',
    labelNames: ['connector'] as const,
    registers: [this.registry],
  });

  readonly connectorPartUp = new Gauge({
    name: 'replywatch_connector_part_up',
    help: 'State of each part a connector watches (a mailbox): 1 up, 0.5 degraded, 0 down',
    labelNames: ['connector', 'part'] as const,
    registers: [this.registry],
  });

  readonly connectorPartBacklog = new Gauge({
    name: 'replywatch_connector_part_backlog',
    help: 'Items a connector part has found but not yet handed to the hub (mails behind)',
    labelNames: ['connector', 'part'] as const,
    registers: [this.registry],
  });

  readonly connectorPartLastSync = new Gauge({
    name: 'replywatch_connector_part_last_sync_timestamp_seconds',
    help: 'When a connector part last caught up completely (Unix time)',
    labelNames: ['connector', 'part'] as const,
    registers: [this.registry],
  });
}
