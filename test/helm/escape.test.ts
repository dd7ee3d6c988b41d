import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import { helmTemplateOn, splitRendered, tmp } from './helm-run';
import { HelmChart } from '../../src/helm';
import { escapeTemplateText } from '../../src/helm/escape';
import { HELM_LINES } from '../util';

describe('escapeTemplateText', () => {
  test('wraps each run of braces holding {{ or }} in one raw-string action', () => {
    expect(escapeTemplateText('a {{ x }} b')).toBe('a {{`{{`}} x {{`}}`}} b');
    // the per-pair escape breaks on `{}}` (a `{` right before the inserted `{{`): take the run
    expect(escapeTemplateText('{"a":{}}')).toBe('{"a":{{`{}}`}}');
    expect(escapeTemplateText('{{{x}}}')).toBe('{{`{{{`}}x{{`}}}`}}');
    expect(escapeTemplateText('{ } {} }{ ${tag}')).toBe('{ } {} }{ ${tag}');
  });

  test.each(HELM_LINES)('Helm %s renders any text of braces, backticks, quotes and ${} back verbatim', (line) => {
    // one ConfigMap holding many generated strings, rendered by one helm run
    const strings = fc.sample(fc.stringOf(fc.constantFrom('{', '}', '`', '"', '\'', '$', '-', 'a', ' ', '\n', ':', '|', '\\'), { maxLength: 24 }), { numRuns: 300, seed: 42 });
    strings.push('{{ request.object.metadata.name }}', '{{- toJson . -}}', '`}}`', '{{`{{`}}', '${tag}', '{}}', '{{{', '}}}');
    const data: { [k: string]: string } = {};
    strings.forEach((s, i) => (data[`k${i}`] = s));
    const chart = new Chart(new App(), 'esc');
    new k8s.KubeConfigMap(chart, 'cm', { metadata: { name: 'esc' }, data });
    const out = HelmChart.fromChart(chart).write(tmp('helm-escape'));
    const docs = splitRendered(helmTemplateOn(line, out));
    expect(docs).toHaveLength(1);
    expect(docs[0].object.data).toEqual(data);
  });
});
