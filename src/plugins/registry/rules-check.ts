import { ConfigError, type ConfigProblem } from '../../core/config/config-error';
import { type Rules } from '../../core/config/rules.schema';
import { type YamlSource } from '../../core/config/yaml-source';

/** Every duty target must name an enabled outbound connector, or its notifications would dead-letter. */
export function checkRulesTargets(rules: Rules, source: YamlSource, isEnabledOutbound: (id: string) => boolean, enabled: string[]): void {
  const problems: ConfigProblem[] = [];
  rules.duty.targets.forEach((target, i) => {
    if (!isEnabledOutbound(target.connector)) {
      const list = enabled.length > 0 ? enabled.join(', ') : 'none';
      problems.push(source.problem(['duty', 'targets', i, 'connector'], `"${target.connector}" is not an enabled outbound connector (enabled: ${list})`));
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
}
