import { type Rules } from '../config/rules.schema';
import { AuthorClassifier } from '../intake/author-classifier';

/**
 * The runbook in force. Readers take `current` once per unit of work, so a reload never
 * changes the rules halfway through a transaction.
 */
export class RulesStore {
  private state: { rules: Rules; classifier: AuthorClassifier };

  constructor(rules: Rules) {
    this.state = build(rules);
  }

  get current(): Readonly<{ rules: Rules; classifier: AuthorClassifier }> {
    return this.state;
  }

  replace(rules: Rules): void {
    this.state = build(rules);
  }
}

function build(rules: Rules): { rules: Rules; classifier: AuthorClassifier } {
  return { rules, classifier: new AuthorClassifier(rules.staff) };
}
