import * as yaml from 'js-yaml';
import { AnalysisError } from './analysis-error';

/** One object read from a manifest, with where it came from (internal). */
export interface LoadedObject {
  readonly obj: any;
  /** The file (or `chart dir: template`) and document number, for error messages. */
  readonly origin: string;
}

/** The YAML/JSON documents of one text, each with its origin (`file#3`). */
export function parseDocuments(text: string, origin: string): LoadedObject[] {
  let docs: any[];
  try {
    docs = yaml.loadAll(text);
  } catch (e) {
    throw new AnalysisError(`${origin}: cannot parse YAML/JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  const out: LoadedObject[] = [];
  docs.forEach((d, i) => {
    if (d && typeof d === 'object') out.push({ obj: d, origin: docs.length > 1 ? `${origin} (document ${i + 1})` : origin });
  });
  return out;
}

