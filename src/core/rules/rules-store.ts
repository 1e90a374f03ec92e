import { type Rules } from '../config/rules.schema';
import { AuthorClassifier } from '../intake/author-classifier';
import { SlaCatalog } from '../sla/sla-catalog';

/**
 * The runbook in force. Readers take `current` once per unit of work, so a reload never
 * changes the rules halfway through a transaction.
 */
export class RulesStore {
  private state: RulesState;

  constructor(rules: Rules) {
    this.state = build(rules);
  }

  get current(): Readonly<RulesState> {
    return this.state;
  }

  replace(rules: Rules): void {
    this.state = build(rules);
  }
}

interface RulesState {
  rules: Rules;
  classifier: AuthorClassifier;
  sla: SlaCatalog;
}

function build(rules: Rules): RulesState {
  return { rules, classifier: new AuthorClassifier(rules.staff), sla: new SlaCatalog(rules) };
}
