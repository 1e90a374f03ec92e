import { type FSWatcher, watch } from 'node:fs';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import { ConfigError } from '../config/config-error';
import { loadRules } from '../config/load-config';
import { type Rules } from '../config/rules.schema';
import { type Clock } from '../clock/clock';
import { type HealthState } from '../runtime/health-state';
import { type RulesStore } from './rules-store';

const SETTLE_MS = 250;

/**
 * Re-reads the runbook when its file changes (or on SIGHUP). A valid file replaces the rules
 * for everything that happens next — open inquiries keep the policy they were opened under; an
 * invalid one changes nothing: the old rules stay, and the located error goes to the log and
 * to /health/ready until the file is fixed. Each outcome is noted on the store, where the
 * console's runbook page reads it.
 */
export class RulesReloader {
  private readonly logger = new Logger('rules');
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly onHangup = () => void this.reload('SIGHUP');
  private warning: string | undefined;

  constructor(
    private readonly file: string,
    private readonly store: RulesStore,
    private readonly health: HealthState,
    private readonly clock: Clock,
    /** Checks that need the rest of the hub, e.g. duty targets naming enabled connectors. */
    private readonly crossCheck: (rules: Rules, source: ReturnType<typeof loadRules>['source']) => void,
    private readonly env: NodeJS.ProcessEnv = process.env,
    /** Runs after new rules are in force (e.g. to restart holiday feeds). */
    private readonly onReloaded: () => void = () => undefined,
  ) {}

  start(): void {
    // Watch the folder: editors and config managers replace the file rather than write it.
    const dir = path.dirname(path.resolve(this.file));
    const name = path.basename(this.file);
    this.watcher = watch(dir, (_event, changed) => {
      if (changed === null || changed.toString() === name) this.schedule();
    });
    this.watcher.on('error', (error) => this.logger.warn(`cannot watch ${this.file}: ${error.message}; SIGHUP still reloads`));
    process.on('SIGHUP', this.onHangup);
  }

  stop(): void {
    this.watcher?.close();
    clearTimeout(this.timer);
    process.off('SIGHUP', this.onHangup);
  }

  /** Loads, validates and applies the file; returns whether the new rules are in force. */
  reload(trigger = 'change'): boolean {
    try {
      const { rules, source } = loadRules(this.file, this.env);
      this.crossCheck(rules, source);
      this.store.replace(rules);
      this.setWarning(undefined);
      this.store.noteReload({ at: this.clock.now(), trigger, ok: true, problems: [] });
      this.onReloaded();
      this.logger.log(`rules reloaded from ${this.file} (${trigger}): ${rules.policies.length} policies, ${rules.staff.length} staff`);
      return true;
    } catch (error) {
      const detail = error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error);
      this.setWarning(`rules not reloaded, the previous rules stay in force: ${detail}`);
      const located = error instanceof ConfigError ? { problems: error.problems } : { problems: [], detail };
      this.store.noteReload({ at: this.clock.now(), trigger, ok: false, ...located });
      this.logger.error(`rules not reloaded (${trigger}); the previous rules stay in force:\n${detail}`);
      return false;
    }
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.reload(), SETTLE_MS);
    this.timer.unref();
  }

  private setWarning(text: string | undefined): void {
    if (this.warning) this.health.warnings = this.health.warnings.filter((w) => w !== this.warning);
    this.warning = text;
    if (text) this.health.warnings.push(text);
  }
}
