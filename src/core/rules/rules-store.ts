import { type ConfigProblem } from '../config/config-error';
import { type Rules } from '../config/rules.schema';
import { AuthorClassifier } from '../intake/author-classifier';
import { type Holidays } from '../sla/ics-holidays';
import { SlaCatalog } from '../sla/sla-catalog';

/**
 * The runbook in force. Readers take `current` once per unit of work, so a reload never
 * changes the rules halfway through a transaction.
 */
export class RulesStore {
  private state: RulesState;
  private feeds: ReadonlyMap<string, Holidays> = new Map();
  private reloaded: RulesReload | undefined;

  constructor(rules: Rules) {
    this.state = build(rules);
  }

  get current(): Readonly<RulesState> {
    return this.state;
  }

  replace(rules: Rules): void {
    this.state = build(rules, this.feeds);
  }

  /** The last reload of the rules file, applied or refused; none until the first one. */
  get lastReload(): RulesReload | undefined {
    return this.reloaded;
  }

  noteReload(outcome: RulesReload): void {
    this.reloaded = outcome;
  }

  /** New holidays from ICS sources; calendars are rebuilt with them. */
  setHolidays(feeds: ReadonlyMap<string, Holidays>): void {
    this.feeds = feeds;
    this.state = build(this.state.rules, feeds);
  }
}

/** One reload of the rules file: when, what set it off, and why it was refused if it was. */
export interface RulesReload {
  at: number;
  trigger: string;
  ok: boolean;
  /** Located problems of a refused file (never a configured value). */
  problems: ConfigProblem[];
  /** A refusal that was not a located config error. */
  detail?: string;
}

interface RulesState {
  rules: Rules;
  classifier: AuthorClassifier;
  sla: SlaCatalog;
}

function build(rules: Rules, feeds: ReadonlyMap<string, Holidays> = new Map()): RulesState {
  return { rules, classifier: new AuthorClassifier(rules.staff), sla: new SlaCatalog(rules, feeds) };
}
